import Foundation
import HandbookSearch
import Mustache

/// Renders theme templates for thousands of pages without paying for Mustache's dynamic lookups on each.
///
/// swift-mustache resolves every `{{name}}` by walking the context stack with dynamic casts; on a 5,000-page
/// site that was a third of the build's CPU. But pages mostly differ in their *values*, not in which sections
/// render. So a context is reduced to its **shape** — its keys, list lengths, booleans, integers, and for each
/// string only whether it is empty or ends in a newline (the two things Mustache itself looks at) — and the
/// first time a shape is seen the template is rendered once by Mustache with every string replaced by a
/// marker. The output is cut at the markers into literal text and numbered slots, each slot remembering
/// whether Mustache escaped it (the marker holds a `&`, which comes out as `&amp;` when escaped). Every later
/// context of that shape is rendered by joining literals and its own strings.
///
/// Safety: templates that use what a marker cannot stand in for — transforms such as `{{uppercased(x)}}`,
/// dynamic partials `{{>*x}}`, changed delimiters — are never compiled (`isCompilable`); and the first context
/// of every shape is rendered both ways and compared, so a shape whose compiled output differs in any byte
/// falls back to Mustache for good. Escaping here goes by UTF-8 byte, so a `<` followed by a combining mark is
/// escaped too (swift-mustache, going by `Character`, leaves that one cluster as it is).
final class TemplateShapes: @unchecked Sendable {
    private let library: MustacheLibrary
    /// Template name → shape key → compiled template, or nil when the shape must go through Mustache.
    private var cache: [String: [ShapeKey: CompiledTemplate?]] = [:]
    private let lock = NSLock()
    let tables = StringTables()
    let isCompilable: Bool
    /// Shapes kept per template (a site has a few dozen).
    static let maximumShapes = 1024

    /// `HANDBOOK_TEMPLATE_SHAPES=off` renders everything through Mustache (to compare, or to rule this out).
    init(library: MustacheLibrary, templateTexts: [String],
         enabled: Bool = ProcessInfo.processInfo.environment["HANDBOOK_TEMPLATE_SHAPES"] != "off") {
        self.library = library
        self.isCompilable = enabled && templateTexts.allSatisfy(Self.isCompilable)
    }

    /// Whether no tag in `text` uses a transform, a dynamic partial or a delimiter change.
    static func isCompilable(_ text: String) -> Bool {
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else { return true }
            let tag = afterOpen[..<close.lowerBound]
            if tag.contains("(") || tag.hasPrefix(">*") || tag.hasPrefix("=") || tag.hasPrefix("> *") { return false }
            rest = afterOpen[close.upperBound...]
        }
        return true
    }

    func render(_ name: String, _ context: [String: Any]) -> String {
        guard isCompilable else { return library.render(context, withTemplate: name) ?? "" }
        var probe = ShapeProbe(tables: tables)
        guard probe.visit(context) else { return library.render(context, withTemplate: name) ?? "" }
        return render(name, probe: probe, context: { context }, compiled: { $0.render(probe.leaves) }, mustache: { $0 }, same: ==)
    }

    /// The same for a typed context (which a marker can always stand in for); its dictionary is made only
    /// when Mustache renders: the first time a shape is seen, or for a shape that fell back.
    func render(_ name: String, _ typed: TypedContext) -> String {
        guard isCompilable else { return library.render(typed.value, withTemplate: name) ?? "" }
        var probe = ShapeProbe(tables: tables)
        probe.visit(typed)
        guard probe.byteLeaves.isEmpty else { return String(decoding: renderUTF8(name, probe: probe, typed: typed), as: UTF8.self) }
        return render(name, probe: probe, context: { typed.value as? [String: Any] ?? [:] }, compiled: { $0.render(probe.leaves) },
                      mustache: { $0 }, same: ==)
    }

    /// The same as UTF-8 bytes: text given as bytes (`TypedContext.utf8`) is copied in, never made a `String`.
    func renderUTF8(_ name: String, _ typed: TypedContext) -> [UInt8] {
        guard isCompilable else { return Array((library.render(typed.value, withTemplate: name) ?? "").utf8) }
        var probe = ShapeProbe(tables: tables)
        probe.visit(typed)
        return renderUTF8(name, probe: probe, typed: typed)
    }

    private func renderUTF8(_ name: String, probe: ShapeProbe, typed: TypedContext) -> [UInt8] {
        render(name, probe: probe, context: { typed.value as? [String: Any] ?? [:] },
               compiled: { $0.renderUTF8(probe.leaves, byteLeaves: probe.byteLeaves) }, mustache: { Array($0.utf8) },
               same: { $0.elementsEqual($1.utf8) })
    }

    /// A typed part whose shape is worked out once, for contexts that all hold it.
    func freeze(_ typed: TypedContext) -> TypedContext {
        .frozen(FrozenContext(typed, tables: tables))
    }

    /// The compiled template of the probed shape renders (`compiled`); the first context of a shape is
    /// rendered by Mustache too (`mustache` makes its output the result type) and the compiled form is kept
    /// only if it gives the `same` output.
    private func render<Output>(_ name: String, probe: ShapeProbe, context makeContext: () -> [String: Any],
                                compiled: (CompiledTemplate) -> Output, mustache: (String) -> Output,
                                same: (Output, String) -> Bool) -> Output {
        let key = probe.key
        lock.lock()
        let known = cache[name]?[key]
        lock.unlock()
        switch known {
        case .some(.some(let template)):
            return compiled(template)
        case .some(.none):
            return mustache(library.render(makeContext(), withTemplate: name) ?? "")
        case .none:
            let context = makeContext()
            let expected = library.render(context, withTemplate: name) ?? ""
            lock.lock()
            let full = (cache[name]?.count ?? 0) >= Self.maximumShapes
            lock.unlock()
            // Contexts that never repeat a shape would only fill memory: past the limit, Mustache alone.
            if full { return mustache(expected) }
            var counter = 0
            let markers = ShapeProbe.markers(context, counter: &counter) as? [String: Any] ?? [:]
            var template = library.render(markers, withTemplate: name).flatMap { CompiledTemplate(probeOutput: $0, leaves: probe.allLeaves) }
            if let candidate = template, !same(compiled(candidate), expected) { template = nil }
            lock.lock()
            cache[name, default: [:]][key] = .some(template)
            lock.unlock()
            return mustache(expected)
        }
    }

    /// How many shapes of `name` were compiled and how many fell back to Mustache (for tests).
    func counts(_ name: String) -> (compiled: Int, fallback: Int) {
        lock.lock()
        defer { lock.unlock() }
        let shapes = cache[name] ?? [:]
        let compiled = shapes.values.filter { $0 != nil }.count
        return (compiled, shapes.count - compiled)
    }
}

/// A shape key: bytes, hashed in one go (an array of bytes hashes byte by byte).
struct ShapeKey: Hashable {
    var bytes: [UInt8]

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

/// Walks a context: collects its strings in a fixed order (keys by their UTF-8 bytes) and writes the shape
/// key. `markers` walks in the same order and builds the stand-in context; it runs only for a new shape.
struct ShapeProbe {
    private(set) var leaves: [String] = []
    /// Strings given as bytes (`TypedContext.utf8`): their place in `leaves` (which holds "" there) and bytes.
    private(set) var byteLeaves: [(index: Int, bytes: [UInt8])] = []
    private var bytes: [UInt8] = []
    var key: ShapeKey { ShapeKey(bytes: bytes) }

    static let open: Unicode.Scalar = "\u{E000}"
    static let close: Unicode.Scalar = "\u{E001}"

    private let tables: StringTables

    init(tables: StringTables = StringTables()) {
        self.tables = tables
        leaves.reserveCapacity(128)
        bytes.reserveCapacity(1024)
    }

    /// The order in which a dictionary's values are visited (and numbered by `markers`).
    @inline(__always)
    static func precedes(_ a: String, _ b: String) -> Bool { UTF8Bytes.precedes(a, b) }

    /// False for a value kind a marker cannot stand in for. Dispatches on the exact type instead of trying
    /// casts in turn: a failed `as? [String: String]` on a `[String: Any]` checks every element first.
    mutating func visit(_ value: Any) -> Bool {
        switch ObjectIdentifier(type(of: value)) {
        case Self.stringType:
            append(value as! String)
        case Self.stringDictionaryType:
            appendTable(value as! [String: String])
        case Self.boolType:
            appendBool(value as! Bool)
        case Self.intType:
            appendInt(value as! Int)
        case Self.dictionaryType:
            let dictionary = value as! [String: Any]
            appendByte(0x7B)  // {
            // Keys sorted with their places (looking a key up again would hash it again; sorting the pairs
            // would move every value's existential box).
            var order: [(name: String, index: Dictionary<String, Any>.Index)] = []
            order.reserveCapacity(dictionary.count)
            for index in dictionary.indices {
                let name = dictionary.keys[index]
                var slot = order.count
                while slot > 0 && Self.precedes(name, order[slot - 1].name) { slot -= 1 }
                order.insert((name, index), at: slot)
            }
            for (name, index) in order {
                appendKey(name)
                guard visit(dictionary.values[index]) else { return false }
            }
            appendByte(0x7D)  // }
        case Self.stringDictionaryArrayType:
            let array = value as! [[String: String]]
            appendListStart(array.count)
            for element in array { _ = visit(element) }
            appendByte(0x5D)  // ]
        case Self.dictionaryArrayType, Self.anyArrayType, Self.stringArrayType:
            let array = value as! [Any]
            appendListStart(array.count)
            for element in array {
                guard visit(element) else { return false }
            }
            appendByte(0x5D)
        default:
            return false
        }
        return true
    }

    // The shape key's grammar, shared with `visit(_: TypedContext)`: a string is `e`, `n` or `s`; a Bool `T`
    // or `F`; an Int `i` digits `;`; an object `{` then `key:` and the value for each key in order, then `}`;
    // a list `[` its count, its elements, `]`; a remembered string table its token.

    mutating func appendByte(_ byte: UInt8) { bytes.append(byte) }

    mutating func appendBool(_ value: Bool) { bytes.append(value ? 0x54 : 0x46) }  // T, F

    mutating func appendInt(_ value: Int) {
        bytes.append(0x69)  // i
        appendDecimal(value)
        bytes.append(0x3B)  // ;
    }

    mutating func appendKey(_ name: String) {
        bytes += name.utf8
        bytes.append(0x3A)  // :
    }

    mutating func appendListStart(_ count: Int) {
        bytes.append(0x5B)  // [
        appendDecimal(count)
    }

    mutating func appendTable(_ table: [String: String]) {
        let (fragment, values) = tables.shape(of: table)
        bytes += fragment.utf8
        leaves += values
    }

    mutating func appendFrozen(_ frozen: FrozenContext) {
        bytes += frozen.bytes
        leaves += frozen.leaves
    }

    private mutating func appendDecimal(_ value: Int) {
        if value >= 0 && value < 10 {
            bytes.append(0x30 + UInt8(value))
        } else {
            bytes += String(value).utf8
        }
    }

    /// Mustache skips an empty value; inside an indented partial it indents the token after one ending a line.
    mutating func append(_ string: String) {
        leaves.append(string)
        bytes.append(string.isEmpty ? 0x65 : Self.endsInNewline(string) ? 0x6E : 0x73)  // e, n, s
    }

    /// `leaves` with the text given as bytes in its places (made into strings: for compiling a shape).
    var allLeaves: [String] {
        var all = leaves
        for (index, text) in byteLeaves { all[index] = String(decoding: text, as: UTF8.self) }
        return all
    }

    /// The same for text given as bytes: its place holds "" in `leaves`, and the bytes go to `byteLeaves`.
    mutating func appendUTF8(_ text: [UInt8]) {
        byteLeaves.append((leaves.count, text))
        leaves.append("")
        bytes.append(text.isEmpty ? 0x65 : Self.endsInNewline(text) ? 0x6E : 0x73)
    }

    /// `string.last == "\n"`, on bytes: the last character is a lone line feed unless a carriage return
    /// comes before it (CR LF is one character; nothing else joins a line feed).
    static func endsInNewline(_ string: String) -> Bool {
        let utf8 = string.utf8
        guard utf8.last == 0x0A else { return false }
        return utf8.count == 1 || utf8[utf8.index(utf8.endIndex, offsetBy: -2)] != 0x0D
    }

    static func endsInNewline(_ bytes: [UInt8]) -> Bool {
        bytes.last == 0x0A && (bytes.count == 1 || bytes[bytes.count - 2] != 0x0D)
    }

    static let stringType = ObjectIdentifier(String.self)
    static let boolType = ObjectIdentifier(Bool.self)
    static let intType = ObjectIdentifier(Int.self)
    static let stringDictionaryType = ObjectIdentifier([String: String].self)
    static let dictionaryType = ObjectIdentifier([String: Any].self)
    static let stringDictionaryArrayType = ObjectIdentifier([[String: String]].self)
    static let dictionaryArrayType = ObjectIdentifier([[String: Any]].self)
    static let anyArrayType = ObjectIdentifier([Any].self)
    static let stringArrayType = ObjectIdentifier([String].self)

    /// The context with the n-th string (in `visit`'s order) replaced by marker n. The marker holds letters
    /// of both cases (so a case transform would show) and a `&` (so escaping shows).
    static func markers(_ value: Any, counter: inout Int) -> Any {
        switch value {
        case let string as String:
            defer { counter += 1 }
            if string.isEmpty { return "" }
            return "\(open)\(counter)hH&\(close)" + (endsInNewline(string) ? "\n" : "")
        case let dictionary as [String: Any]:
            var result: [String: Any] = [:]
            for name in dictionary.keys.sorted(by: precedes) { result[name] = markers(dictionary[name]!, counter: &counter) }
            return result
        case let array as [Any]:
            return array.map { markers($0, counter: &counter) }
        default:
            return value
        }
    }
}

/// The shape-key fragment and strings of `[String: String]` tables, remembered by storage: the theme's UI
/// strings (dozens of them) are the same dictionary on every page. A remembered table is held, so its storage
/// cannot be freed and reused for other contents, and any change to a copy of it makes new storage.
final class StringTables: @unchecked Sendable {
    private var known: [UnsafeRawPointer: (table: [String: String], fragment: String, leaves: [String])] = [:]
    /// Each remembered table's fragment → a short stand-in, one per distinct fragment, so that a shape key
    /// holds a few bytes for the table instead of all its keys (the key is built and hashed on every page).
    private var tokens: [String: String] = [:]
    private let lock = NSLock()
    /// Tables this small are cheaper to walk than to look up.
    static let minimumCount = 8

    func shape(of table: [String: String]) -> (fragment: String, leaves: [String]) {
        let identity = table.count >= Self.minimumCount ? unsafeBitCast(table, to: UnsafeRawPointer.self) : nil
        if let identity {
            lock.lock()
            let hit = known[identity]
            lock.unlock()
            if let hit { return (hit.fragment, hit.leaves) }
        }
        var fragment = "{", leaves: [String] = []
        for (name, string) in table.sorted(by: { ShapeProbe.precedes($0.key, $1.key) }) {
            leaves.append(string)
            fragment += name
            fragment += string.isEmpty ? ":e" : ShapeProbe.endsInNewline(string) ? ":n" : ":s"
        }
        fragment += "}"
        if let identity {
            lock.lock()
            // `{#n}` cannot be a walked fragment: those hold `:` after every key.
            let token = tokens[fragment] ?? "{#\(tokens.count)}"
            tokens[fragment] = token
            known[identity] = (table, token, leaves)
            lock.unlock()
            return (token, leaves)
        }
        return (fragment, leaves)
    }
}

/// A template cut at the markers: literal text and slots for the strings of a context of one shape.
struct CompiledTemplate: Sendable {
    enum Segment: Sendable {
        case literal(String)
        case value(Int, escaped: Bool, newline: Bool)
    }

    let segments: [Segment]
    /// The same for byte output, with no reference to count: literals as ranges of `literalBytes`, and
    /// values as (leaf index, escaped).
    private let byteSegments: [(literal: Range<Int>, leaf: Int, escaped: Bool)]
    private let literalBytes: [UInt8]

    /// Parses Mustache's output for the marker context; nil when a marker is damaged or a string's marker is
    /// missing where its shape says the text must show it.
    init?(probeOutput: String, leaves: [String]) {
        var segments: [Segment] = []
        var literal = String.UnicodeScalarView()
        var scalars = probeOutput.unicodeScalars[...]
        func expect(_ text: String) -> Bool {
            guard scalars.starts(with: text.unicodeScalars) else { return false }
            scalars = scalars.dropFirst(text.unicodeScalars.count)
            return true
        }
        while let scalar = scalars.first {
            scalars = scalars.dropFirst()
            if scalar == ShapeProbe.close { return nil }
            guard scalar == ShapeProbe.open else {
                literal.append(scalar)
                continue
            }
            var digits = ""
            while let d = scalars.first, ("0"..."9").contains(d) {
                digits.unicodeScalars.append(d)
                scalars = scalars.dropFirst()
            }
            guard let index = Int(digits), index < leaves.count, expect("hH") else { return nil }
            let escaped: Bool
            if expect("&amp;") { escaped = true } else if expect("&") { escaped = false } else { return nil }
            guard expect(String(ShapeProbe.close)) else { return nil }
            let newline = ShapeProbe.endsInNewline(leaves[index])
            if newline, !expect("\n") { return nil }
            if !literal.isEmpty {
                segments.append(.literal(String(literal)))
                literal = String.UnicodeScalarView()
            }
            segments.append(.value(index, escaped: escaped, newline: newline))
        }
        if !literal.isEmpty { segments.append(.literal(String(literal))) }
        self.segments = segments
        var literalBytes: [UInt8] = [], byteSegments: [(literal: Range<Int>, leaf: Int, escaped: Bool)] = []
        for segment in segments {
            switch segment {
            case .literal(let text):
                byteSegments.append((literalBytes.count..<(literalBytes.count + text.utf8.count), -1, false))
                literalBytes += text.utf8
            case .value(let index, let escaped, _):
                byteSegments.append((0..<0, index, escaped))
            }
        }
        self.byteSegments = byteSegments
        self.literalBytes = literalBytes
    }

    /// The output as UTF-8 bytes, with `byteLeaves` in their places (see `ShapeProbe.byteLeaves`). Strings
    /// are copied in through their contiguous UTF-8 (appending a `String.UTF8View` goes byte by byte).
    func renderUTF8(_ leaves: [String], byteLeaves: [(index: Int, bytes: [UInt8])]) -> [UInt8] {
        func bytes(_ index: Int) -> [UInt8]? { byteLeaves.first { $0.index == index }?.bytes }
        var size = literalBytes.count
        for segment in byteSegments where segment.leaf >= 0 {
            size += bytes(segment.leaf)?.count ?? leaves[segment.leaf].utf8.count
        }
        var output: [UInt8] = []
        output.reserveCapacity(size + size / 16)
        literalBytes.withUnsafeBufferPointer { literals in
            for segment in byteSegments {
                guard segment.leaf >= 0 else {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: literals[segment.literal]))
                    continue
                }
                let escaped = segment.escaped
                if let given = bytes(segment.leaf) {
                    if escaped { given.withUnsafeBufferPointer { MustacheEscaping.append($0, to: &output) } } else { output += given }
                } else {
                    let text = leaves[segment.leaf]
                    let copied: Void? = text.utf8.withContiguousStorageIfAvailable { utf8 in
                        if escaped { MustacheEscaping.append(utf8, to: &output) } else { output.append(contentsOf: utf8) }
                    }
                    if copied == nil { MustacheEscaping.append(Array(text.utf8), escaped: escaped, to: &output) }
                }
            }
        }
        return output
    }

    func render(_ leaves: [String]) -> String {
        var output = ""
        var size = 0
        for segment in segments {
            switch segment {
            case .literal(let text): size += text.utf8.count
            case .value(let index, _, _): size += leaves[index].utf8.count
            }
        }
        output.reserveCapacity(size + size / 16)
        for segment in segments {
            switch segment {
            case .literal(let text): output += text
            case .value(let index, let escaped, _):
                if escaped { MustacheEscaping.append(leaves[index], to: &output) } else { output += leaves[index] }
            }
        }
        return output
    }
}

/// The five characters swift-mustache escapes in `{{value}}`, with the same replacements, on UTF-8 bytes.
enum MustacheEscaping {
    /// Appends `text` escaped, copying the runs between special characters in bulk.
    static func append(_ text: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        var start = 0
        for index in 0..<text.count {
            guard let entity = entity(text[index]) else { continue }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<index]))
            output.append(contentsOf: UnsafeBufferPointer(start: entity.utf8Start, count: entity.utf8CodeUnitCount))
            start = index + 1
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: text[start...]))
    }

    /// The entity swift-mustache writes for `byte`, or nil when it is written as it is.
    @inline(__always)
    static func entity(_ byte: UInt8) -> StaticString? {
        switch byte {
        case UInt8(ascii: "<"): return "&lt;"
        case UInt8(ascii: ">"): return "&gt;"
        case UInt8(ascii: "&"): return "&amp;"
        case UInt8(ascii: "\""): return "&quot;"
        case UInt8(ascii: "'"): return "&#39;"
        default: return nil
        }
    }

    /// Appends bytes that have no contiguous storage of their own (a bridged string's), escaped or not.
    static func append(_ bytes: [UInt8], escaped: Bool, to output: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { if escaped { append($0, to: &output) } else { output.append(contentsOf: $0) } }
    }

    static func append(_ text: String, to output: inout String) {
        var text = text
        let special = text.withUTF8 { bytes in
            bytes.contains { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }
        }
        guard special else {
            output += text  // most values: nothing to escape, no copy to make
            return
        }
        text.withUTF8 { bytes in
            var start = 0
            for (i, byte) in bytes.enumerated() {
                guard let replacement = entity(byte) else { continue }
                if start < i { output += String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self) }
                output += replacement.description
                start = i + 1
            }
            if start < bytes.count { output += String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self) }
        }
    }
}
