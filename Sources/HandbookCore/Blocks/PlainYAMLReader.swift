import Yams

/// Reads the YAML that blocks are written in straight into a `PlainNode`, without libyaml and Yams' tree.
///
/// What it reads: a top-level block mapping; block mappings and sequences (`- ` entries, also at their key's
/// indentation, and `- key: value` entries that open a mapping); values on one line: plain scalars, quoted
/// scalars without escapes or line breaks, and flow mappings and sequences (`{a: b, c: [d, e]}`) closed on
/// the same line. For those it gives the tree `PlainYAML.compose` gives — the same strings, styles and tags,
/// and the marks (line, column in characters) libyaml reports, which place cites and errors in the page.
///
/// Everything else returns nil, and the block goes the Yams way as before: comments, tabs, anchors, aliases,
/// tags, directives, document markers, escapes other than `\"`, `\\` and `\/`, scalars over several lines
/// (plain, quoted, `|`, `>`), empty values, `?` keys, keys that do not read as text, duplicate keys, trailing
/// commas, `a:b` in flow, and any character libyaml refuses or reads as a line break. So nil never means the
/// YAML is wrong, only unusual.
struct PlainYAMLReader {
    private let bytes: [UInt8]
    /// The non-blank lines.
    private var lines: [Line] = []
    /// The line being read.
    private var current = 0
    /// A scalar's tag as Yams' parser gives it with `Resolver.basic`: `str` for a quoted scalar (libyaml's
    /// "quoted implicit"), else implicit, which is never resolved on the way. One of each per document, as
    /// the parser shares one constructor (making one builds its tables).
    private let implicitTag: Tag, strTag: Tag

    private struct Line {
        /// 1-based, counting blank lines.
        var number: Int
        /// Byte offset of the line's first byte.
        var begin: Int
        /// Byte offset where the content starts: after the indentation, or (for a mapping that opens in a
        /// sequence entry) at its first key.
        var start: Int
        /// Byte offset of the line feed (or the end of the text).
        var end: Int
        /// Columns before `start` (spaces, or `- ` and spaces: one byte each).
        var indent: Int { start - begin }
    }

    /// The document's tree, or nil when it is not a mapping made only of what this reader reads.
    static func read(_ text: String) -> PlainNode? {
        guard var reader = PlainYAMLReader(text), !reader.lines.isEmpty, reader.lines[0].indent == 0,
              !reader.isSequenceEntry(reader.lines[0]),
              let root = reader.blockMapping(indent: 0), reader.current == reader.lines.count else { return nil }
        return root
    }

    private init?(_ text: String) {
        bytes = Array(text.utf8)
        let constructor = Constructor.default
        implicitTag = Tag(.implicit, .basic, constructor)
        strTag = Tag(.str, .basic, constructor)
        var begin = 0, number = 1
        while begin <= bytes.count {
            var end = begin
            while end < bytes.count && bytes[end] != 0x0A {
                guard Self.isReadable(bytes, at: end) else { return nil }
                end += 1
            }
            var start = begin
            while start < end && bytes[start] == 0x20 { start += 1 }
            if start < end {
                // A comment line, or a document marker or directive in the first column.
                if bytes[start] == UInt8(ascii: "#") { return nil }
                if start == begin, bytes[start] == UInt8(ascii: "%") || Self.isDocumentMarker(bytes, at: start, end: end) { return nil }
                lines.append(Line(number: number, begin: begin, start: start, end: end))
            }
            if end == bytes.count { break }
            begin = end + 1
            number += 1
        }
    }

    /// Printable for libyaml and not a line break other than LF; no tab (indentation or separation by tab
    /// is where libyaml's rules are subtle), no CR, no byte order mark, no C1 control (NEL is a line break).
    private static func isReadable(_ bytes: [UInt8], at i: Int) -> Bool {
        let b = bytes[i]
        if b < 0x20 || b == 0x7F { return false }
        if b == 0xC2 { return i + 1 < bytes.count && bytes[i + 1] >= 0xA0 }  // U+0080 … U+009F
        if b == 0xE2 { return !(i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9)) }  // U+2028, U+2029
        if b == 0xEF {  // U+FEFF, U+FFFE, U+FFFF
            guard i + 2 < bytes.count else { return true }
            return !((bytes[i + 1] == 0xBB && bytes[i + 2] == 0xBF) || (bytes[i + 1] == 0xBF && bytes[i + 2] >= 0xBE))
        }
        return true
    }

    private static func isDocumentMarker(_ bytes: [UInt8], at i: Int, end: Int) -> Bool {
        guard i + 3 <= end else { return false }
        let a = bytes[i], same = bytes[i + 1] == a && bytes[i + 2] == a
        return same && (a == UInt8(ascii: "-") || a == UInt8(ascii: ".")) && (i + 3 == end || bytes[i + 3] == 0x20)
    }

    // MARK: Block structure

    private func isSequenceEntry(_ line: Line) -> Bool {
        bytes[line.start] == UInt8(ascii: "-") && (line.start + 1 == line.end || bytes[line.start + 1] == 0x20)
    }

    /// The mapping whose keys start the lines at `indent`, from the current line on.
    private mutating func blockMapping(indent: Int) -> PlainNode? {
        var keys: [String] = [], keyMarks: [PlainMark] = [], values: [PlainNode] = []
        var mark: PlainMark?
        while current < lines.count {
            let line = lines[current]
            if line.indent < indent { break }
            guard line.indent == indent, !isSequenceEntry(line),
                  let (key, keyMark, afterColon) = mappingKey(line, at: line.start), !keys.contains(key) else { return nil }
            if mark == nil { mark = keyMark }
            let valueStart = skipSpaces(afterColon, line.end)
            let value: PlainNode
            if valueStart == line.end {
                // The value is on the next lines: more indented, or a sequence at the key's indentation.
                current += 1
                guard current < lines.count else { return nil }
                let next = lines[current]
                if next.indent > indent {
                    guard let node = blockNode() else { return nil }
                    value = node
                } else if next.indent == indent && isSequenceEntry(next) {
                    guard let node = blockSequence(indent: indent, atKeyIndent: true) else { return nil }
                    value = node
                } else {
                    return nil  // an empty value
                }
            } else {
                guard let node = lineValue(line, at: valueStart) else { return nil }
                value = node
                current += 1
                // A more indented line after a value would continue a plain scalar, or be an error.
                if current < lines.count && lines[current].indent > indent { return nil }
            }
            keys.append(key)
            keyMarks.append(keyMark)
            values.append(value)
        }
        guard let mark else { return nil }
        return PlainNode(.mapping(keys: keys, values: values), mark: mark, keyMarks: keyMarks)
    }

    /// The `- ` entries at `indent`. At its key's indentation a sequence ends at the next key; deeper, any
    /// other line at its indentation is an error.
    private mutating func blockSequence(indent: Int, atKeyIndent: Bool) -> PlainNode? {
        var items: [PlainNode] = []
        var mark: PlainMark?
        while current < lines.count {
            let line = lines[current]
            if line.indent < indent { break }
            guard line.indent == indent else { return nil }
            guard isSequenceEntry(line) else {
                if atKeyIndent { break }
                return nil
            }
            if mark == nil { mark = self.mark(line, line.start) }
            let entry = skipSpaces(line.start + 1, line.end)
            if entry == line.end {
                current += 1
                guard current < lines.count, lines[current].indent > indent, let node = blockNode() else { return nil }
                items.append(node)
            } else if bytes[entry] == UInt8(ascii: "-") && (entry + 1 == line.end || bytes[entry + 1] == 0x20) {
                return nil  // `- - x`
            } else if mappingKey(line, at: entry) != nil {
                // `- key: value` opens a mapping whose keys line up with this first one.
                lines[current].start = entry
                guard let node = blockMapping(indent: entry - line.begin) else { return nil }
                items.append(node)
            } else {
                guard let node = lineValue(line, at: entry) else { return nil }
                items.append(node)
                current += 1
                if current < lines.count && lines[current].indent > indent { return nil }
            }
        }
        guard let mark else { return nil }
        return PlainNode(.sequence(items), mark: mark)
    }

    /// The block collection starting on the current line.
    private mutating func blockNode() -> PlainNode? {
        let line = lines[current]
        return isSequenceEntry(line) ? blockSequence(indent: line.indent, atKeyIndent: false) : blockMapping(indent: line.indent)
    }

    /// A key at `p` followed by `:` and a space or the end of the line: its text, mark and the offset after the colon.
    private func mappingKey(_ line: Line, at p: Int) -> (String, PlainMark, Int)? {
        let first = bytes[p]
        let text: String, after: Int
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            guard let (quoted, end) = quotedScalar(line, at: p) else { return nil }
            text = quoted
            after = end
        } else {
            guard let (plain, end) = plainScalar(line, at: p, inFlow: false), end < line.end, bytes[end] == UInt8(ascii: ":"),
                  PlainYAML.resolvesToString(plain) else { return nil }
            text = plain
            after = end
        }
        // libyaml takes at most 1024 characters as a key on one line.
        guard after - p < 1000, after < line.end, bytes[after] == UInt8(ascii: ":"),
              after + 1 == line.end || bytes[after + 1] == 0x20 else { return nil }
        return (text, mark(line, p), after + 1)
    }

    /// A value that must end its line: a flow collection, a quoted scalar or a plain scalar.
    private func lineValue(_ line: Line, at p: Int) -> PlainNode? {
        guard let (node, end) = inlineNode(line, at: p, inFlow: false), skipSpaces(end, line.end) == line.end else { return nil }
        return node
    }

    // MARK: One-line nodes

    private func inlineNode(_ line: Line, at p: Int, inFlow: Bool) -> (PlainNode, Int)? {
        switch bytes[p] {
        case UInt8(ascii: "{"): return flowMapping(line, at: p)
        case UInt8(ascii: "["): return flowSequence(line, at: p)
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            guard let (text, end) = quotedScalar(line, at: p) else { return nil }
            let style: Node.Scalar.Style = bytes[p] == UInt8(ascii: "\"") ? .doubleQuoted : .singleQuoted
            return (PlainNode(.scalar(Node.Scalar(text, strTag, style)), mark: mark(line, p)), end)
        default:
            // A plain scalar that stops at a colon would be a key where none may be.
            guard let (text, end) = plainScalar(line, at: p, inFlow: inFlow), end == line.end || bytes[end] != UInt8(ascii: ":") else { return nil }
            return (PlainNode(.scalar(Node.Scalar(text, implicitTag, .plain)), mark: mark(line, p)), end)
        }
    }

    private func flowMapping(_ line: Line, at open: Int) -> (PlainNode, Int)? {
        var keys: [String] = [], keyMarks: [PlainMark] = [], values: [PlainNode] = []
        var p = skipSpaces(open + 1, line.end)
        if p < line.end && bytes[p] == UInt8(ascii: "}") {
            return (PlainNode(.mapping(keys: [], values: []), mark: mark(line, open), keyMarks: []), p + 1)
        }
        while p < line.end {
            let key: String
            let keyStart = p
            if bytes[p] == UInt8(ascii: "\"") || bytes[p] == UInt8(ascii: "'") {
                guard let (text, end) = quotedScalar(line, at: p) else { return nil }
                key = text
                p = skipSpaces(end, line.end)
            } else {
                guard let (text, end) = plainScalar(line, at: p, inFlow: true), PlainYAML.resolvesToString(text) else { return nil }
                key = text
                p = end
            }
            guard p + 1 < line.end, bytes[p] == UInt8(ascii: ":"), bytes[p + 1] == 0x20, !keys.contains(key) else { return nil }
            p = skipSpaces(p + 1, line.end)
            guard p < line.end, let (value, end) = inlineNode(line, at: p, inFlow: true) else { return nil }
            keys.append(key)
            keyMarks.append(mark(line, keyStart))
            values.append(value)
            p = skipSpaces(end, line.end)
            guard p < line.end else { return nil }
            if bytes[p] == UInt8(ascii: "}") {
                return (PlainNode(.mapping(keys: keys, values: values), mark: mark(line, open), keyMarks: keyMarks), p + 1)
            }
            guard bytes[p] == UInt8(ascii: ",") else { return nil }
            p = skipSpaces(p + 1, line.end)
            if p < line.end && bytes[p] == UInt8(ascii: "}") { return nil }  // a trailing comma
        }
        return nil
    }

    private func flowSequence(_ line: Line, at open: Int) -> (PlainNode, Int)? {
        var items: [PlainNode] = []
        var p = skipSpaces(open + 1, line.end)
        if p < line.end && bytes[p] == UInt8(ascii: "]") { return (PlainNode(.sequence([]), mark: mark(line, open)), p + 1) }
        while p < line.end {
            guard let (item, end) = inlineNode(line, at: p, inFlow: true) else { return nil }
            items.append(item)
            p = skipSpaces(end, line.end)
            guard p < line.end else { return nil }
            if bytes[p] == UInt8(ascii: "]") { return (PlainNode(.sequence(items), mark: mark(line, open)), p + 1) }
            guard bytes[p] == UInt8(ascii: ",") else { return nil }
            p = skipSpaces(p + 1, line.end)
            if p < line.end && bytes[p] == UInt8(ascii: "]") { return nil }
        }
        return nil
    }

    /// A plain scalar at `p` and the offset where it stops (before trailing spaces): at the end of the
    /// line, at `: ` or a colon ending the line, and in flow also at any colon and at `,[]{}`. Nil for a
    /// start libyaml reads as an indicator, and for a comment.
    private func plainScalar(_ line: Line, at p: Int, inFlow: Bool) -> (String, Int)? {
        let first = bytes[p]
        switch first {
        case UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"),
             UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"),
             UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"), UInt8(ascii: "?"), UInt8(ascii: ":"):
            return nil
        case UInt8(ascii: "-"):
            guard p + 1 < line.end, bytes[p + 1] != 0x20, !(inFlow && Self.isFlowIndicator(bytes[p + 1])) else { return nil }
        default:
            break
        }
        var i = p, last = p
        while i < line.end {
            let b = bytes[i]
            if b == UInt8(ascii: ":") && (inFlow || i + 1 == line.end || bytes[i + 1] == 0x20) { break }
            if inFlow && Self.isFlowIndicator(b) { break }
            if b == 0x20 {
                if i + 1 < line.end && bytes[i + 1] == UInt8(ascii: "#") { return nil }
            } else {
                last = i + 1
            }
            i += 1
        }
        return (String(decoding: bytes[p..<last], as: UTF8.self), i)
    }

    private static func isFlowIndicator(_ b: UInt8) -> Bool {
        b == UInt8(ascii: ",") || b == UInt8(ascii: "[") || b == UInt8(ascii: "]") || b == UInt8(ascii: "{") || b == UInt8(ascii: "}")
    }

    /// A quoted scalar at `p` closed on the same line, and the offset after its closing quote. In double
    /// quotes only the escapes `\"`, `\\` and `\/` are read; in single quotes `''` is a quote.
    private func quotedScalar(_ line: Line, at p: Int) -> (String, Int)? {
        let quote = bytes[p]
        var i = p + 1
        var text: [UInt8] = []
        while i < line.end {
            let b = bytes[i]
            if b == quote {
                if quote == UInt8(ascii: "'") && i + 1 < line.end && bytes[i + 1] == quote {
                    text.append(quote)
                    i += 2
                    continue
                }
                return (String(decoding: text, as: UTF8.self), i + 1)
            }
            if b == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") {
                // `\"`, `\\` and `\/` stand for the character; any other escape is left to libyaml.
                guard i + 1 < line.end else { return nil }
                switch bytes[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): break
                default: return nil
                }
                text.append(bytes[i + 1])
                i += 2
                continue
            }
            text.append(b)
            i += 1
        }
        return nil
    }

    // MARK: Positions

    private func skipSpaces(_ p: Int, _ end: Int) -> Int {
        var i = p
        while i < end && bytes[i] == 0x20 { i += 1 }
        return i
    }

    /// Line and column of byte `p` on `line`, the column counted in characters as libyaml counts it.
    private func mark(_ line: Line, _ p: Int) -> PlainMark {
        var column = 1
        for i in line.begin..<p where bytes[i] & 0xC0 != 0x80 { column += 1 }
        return PlainMark(line: line.number, column: column)
    }

}
