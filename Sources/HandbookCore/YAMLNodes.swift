import Foundation
import Yams

/// Strict, position-aware reading of small YAML mappings (site config, front matter).
/// Yams gives 1-based lines and columns counted in Unicode scalars.
struct YAMLMapping {
    let node: Node
    let pairs: [(key: String, keyNode: Node, value: Node)]

    init(node: Node) {
        self.node = node
        var pairs: [(String, Node, Node)] = []
        if case .mapping(let mapping) = node {
            for (key, value) in mapping { pairs.append((key.string ?? "", key, value)) }
        }
        self.pairs = pairs.map { (key: $0.0, keyNode: $0.1, value: $0.2) }
    }

    subscript(key: String) -> Node? {
        pairs.first { $0.key == key }?.value
    }
}

extension Node {
    /// Position of this node, shifted by `lineOffset` lines (for YAML embedded in a larger file).
    func position(lineOffset: Int = 0, columnOffset: Int = 0) -> (line: Int, column: Int) {
        guard let mark else { return (1 + lineOffset, 1) }
        return (mark.line + lineOffset, mark.column + columnOffset)
    }

    var isScalar: Bool {
        if case .scalar = self { return true }
        return false
    }

    /// `int`, with an unsigned decimal such as `order: 12` read directly: Yams' constructor first copies
    /// the text through Foundation to drop `_`s, on every page. Any other form is left to Yams.
    var wholeNumber: Int? {
        if case .scalar(let scalar) = self, scalar.style == .plain, let first = scalar.string.utf8.first, first != 0x30,
           scalar.string.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return Int(scalar.string)
        }
        return int
    }

    var isNull: Bool {
        if case .scalar(let scalar) = self { return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string) }
        return false
    }
}

enum YAMLParsing {
    /// Parses YAML text into a node; a syntax error becomes a diagnostic at its line and column.
    static func compose(_ text: String, file: String, stage: BuildStage, lineOffset: Int = 0) throws(BuildFailure) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            var line = 1 + lineOffset, column = 1
            var message = "\(error)"
            switch error {
            case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
                line = mark.line + lineOffset
                column = mark.column
                message = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            default:
                break
            }
            throw BuildFailure([Diagnostic(stage: stage, file: file, line: line, column: column,
                                           message: "invalid YAML: \(message)",
                                           hint: "check indentation and quoting; values containing ': ' or '#' need quotes")])
        } catch {
            throw BuildFailure([Diagnostic(stage: stage, file: file, line: 1 + lineOffset, message: "invalid YAML: \(error)")])
        }
    }
}

/// One `key: value` pair of a mapping, with where its key and its value start in the YAML text.
struct YAMLEntry {
    let key: String
    let keyPosition: (line: Int, column: Int)
    let value: Node
    let valuePosition: (line: Int, column: Int)
}

extension YAMLMapping {
    var entries: [YAMLEntry] {
        pairs.map { YAMLEntry(key: $0.key, keyPosition: $0.keyNode.position(), value: $0.value, valuePosition: $0.value.position()) }
    }
}

/// Front matter as pages write it — `key: value` lines, each key an ASCII name at the start of its line and
/// each value a plain or quoted scalar on the same line — read without libyaml. Composing it with Yams
/// costs a parser, a constructor, a tag per node and seven regular expressions per key (to find duplicate
/// keys), on every page of the site. `parse` returns nil for anything else (comments, nesting, flow
/// collections, anchors, tags, escapes, line continuations, tabs, duplicate keys, characters YAML treats
/// as breaks or rejects …): the caller composes those with Yams, so every error and its position is Yams'.
/// For what it accepts, the entries are the ones Yams composes: same text, style, line and column.
enum KeyValueLines {
    static func parse(_ text: String) -> [YAMLEntry]? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>) -> [YAMLEntry]? {
        guard acceptsAll(bytes) else { return nil }
        var entries: [YAMLEntry] = []
        var line = 0, start = 0
        while start <= bytes.count {
            line += 1
            var end = start
            while end < bytes.count, bytes[end] != newline { end += 1 }
            defer { start = end + 1 }
            if bytes[start..<end].allSatisfy({ $0 == space }) { continue }
            guard let entry = self.entry(bytes, start, end, line: line), !entries.contains(where: { $0.key == entry.key }) else { return nil }
            entries.append(entry)
        }
        return entries.isEmpty ? nil : entries
    }

    /// `name: value` in `bytes[start..<end]`.
    private static func entry(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, line: Int) -> YAMLEntry? {
        var i = start
        guard isLetter(bytes[i]) else { return nil }
        while i < end, isLetter(bytes[i]) || isDigit(bytes[i]) || bytes[i] == 0x5F || bytes[i] == 0x2D { i += 1 }
        guard i - start <= maxKeyLength, i + 1 < end, bytes[i] == colon, bytes[i + 1] == space else { return nil }
        let key = string(bytes, start..<i)
        i += 1
        while i < end, bytes[i] == space { i += 1 }
        guard i < end, let value = scalar(bytes, i, end) else { return nil }
        // Everything before the value is ASCII, so its byte offset is its column.
        return YAMLEntry(key: key, keyPosition: (line, 1), value: .scalar(value), valuePosition: (line, i - start + 1))
    }

    /// The scalar that starts at `bytes[start]` and fills the rest of the line.
    private static func scalar(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Node.Scalar? {
        let first = bytes[start]
        if first == doubleQuote || first == singleQuote {
            // One line, no escapes (`\` or `''`): the text between the quotes, then nothing but spaces.
            var close = start + 1
            while close < end, bytes[close] != first, bytes[close] != backslash || first == singleQuote { close += 1 }
            guard close < end, bytes[close] == first, bytes[(close + 1)..<end].allSatisfy({ $0 == space }) else { return nil }
            return Node.Scalar(string(bytes, (start + 1)..<close), Tag(.str, .default, constructor),
                               first == doubleQuote ? .doubleQuoted : .singleQuoted)
        }
        guard !indicators.contains(first) else { return nil }
        var last = end
        while bytes[last - 1] == space { last -= 1 }
        for i in start..<last {
            // `: ` (or a final `:`) starts a mapping value and ` #` a comment.
            if bytes[i] == colon, i + 1 == last || bytes[i + 1] == space { return nil }
            if bytes[i] == hash, bytes[i - 1] == space { return nil }
        }
        return Node.Scalar(string(bytes, start..<last), Tag(.implicit, .default, constructor), .plain)
    }

    /// Decoding a buffer (not a slice of one) takes the standard library's fast path.
    private static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// No tab, carriage return or other control character, and none of the characters libyaml rejects
    /// (U+0080–U+009F, U+FFFE, U+FFFF) or reads as a line break or byte order mark (U+0085, U+2028,
    /// U+2029, U+FEFF): with them ruled out, a line is a line and a column counts what it seems to.
    private static func acceptsAll(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for (i, byte) in bytes.enumerated() {
            switch byte {
            case newline, 0x20...0x7E: continue
            case 0x00...0x1F, 0x7F: return false
            default: break
            }
            let next = i + 1 < bytes.count ? bytes[i + 1] : 0, afterNext = i + 2 < bytes.count ? bytes[i + 2] : 0
            if byte == 0xC2, next < 0xA0 { return false }
            if byte == 0xE2, next == 0x80, afterNext == 0xA8 || afterNext == 0xA9 { return false }
            if byte == 0xEF, next == 0xBB && afterNext == 0xBF || next == 0xBF && afterNext >= 0xBE { return false }
        }
        return true
    }

    /// Well inside libyaml's limit (1024) for a key written without `?`.
    private static let maxKeyLength = 128
    /// Characters that cannot start a plain scalar, or start one only in some contexts.
    private static let indicators: Set<UInt8> = Set("-?:,[]{}#&*!|>'\"%@`".utf8)
    private static let newline: UInt8 = 0x0A, space: UInt8 = 0x20, colon: UInt8 = 0x3A, hash: UInt8 = 0x23
    private static let doubleQuote: UInt8 = 0x22, singleQuote: UInt8 = 0x27, backslash: UInt8 = 0x5C

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// One constructor for every tag made here. `Constructor.default` builds a new one, with its three
    /// tables, on every call; a constructor is never changed after it is made.
    nonisolated(unsafe) private static let constructor = Constructor.default
}
