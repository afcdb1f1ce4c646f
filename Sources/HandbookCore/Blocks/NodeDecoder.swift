import Foundation
import HandbookForms
import Yams

/// YAML for a checklist or quiz block, composed without tag resolution when that changes nothing.
///
/// `Yams.compose` resolves the tag of every mapping key with the default resolver (seven ICU regular
/// expressions per key, to find duplicate keys), and `YAMLDecoder` resolves a fresh node for every key it
/// looks up. Values' tags are never resolved on the way; keys' are, and decide which keys are equal. So
/// the resolver matters only for merge (`<<`) and value (`=`) keys, keys that read as something other
/// than text (`yes:`, `1:`), explicit tags on keys or collections, and anchors (an alias shares its
/// anchor's tag, so a key's resolution could reach a value). A document with none of them composes to
/// the same tree with `Resolver.basic`, and `NodeDecoder` then decodes it exactly as `YAMLDecoder` does.
enum PlainYAML {
    /// The document composed with `Resolver.basic` and its tree for `NodeDecoder`, or nil when it is empty,
    /// is not valid YAML or uses something tag resolution changes: the caller then goes the full Yams way,
    /// which gives the same result or error as before.
    static func compose(_ text: String) -> (node: Node, tree: PlainNode)? {
        // An explicit encoding: `Parser.Encoding.default` reads the whole process environment every time.
        guard let parser = try? Parser(yaml: text, resolver: .basic, encoding: .utf8),
              let root = try? parser.singleRoot() else { return nil }
        // Anchors are weak references the parser keeps alive: check while it exists.
        return withExtendedLifetime(parser) { tree(root).map { (root, $0) } }
    }

    private static let implicit = Tag.Name.implicit.rawValue
    private static let str = Tag.Name.str.rawValue

    private static func tree(_ node: Node) -> PlainNode? {
        switch node {
        case .scalar(let scalar):
            guard scalar.anchor == nil else { return nil }
            return PlainNode(.scalar(scalar), mark: PlainMark(node.mark))
        case .sequence(let sequence):
            guard sequence.anchor == nil, sequence.tag.rawValue == implicit else { return nil }
            var items: [PlainNode] = []
            items.reserveCapacity(sequence.count)
            for item in sequence {
                guard let child = tree(item) else { return nil }
                items.append(child)
            }
            return PlainNode(.sequence(items), mark: PlainMark(node.mark))
        case .mapping(let mapping):
            guard mapping.anchor == nil, mapping.tag.rawValue == implicit else { return nil }
            var keys: [String] = [], values: [PlainNode] = [], keyMarks: [PlainMark?] = []
            keys.reserveCapacity(mapping.count)
            keyMarks.reserveCapacity(mapping.count)
            values.reserveCapacity(mapping.count)
            // By index: iterating a `Node.Mapping` copies its pairs into a new array first.
            for index in mapping.indices {
                let (key, value) = mapping[index]
                // Compose resolved every key's tag; with `Resolver.basic` anything but `str` was explicit.
                guard case .scalar(let scalar) = key, scalar.anchor == nil, scalar.tag.rawValue == str,
                      scalar.style != .plain || resolvesToString(scalar.string),
                      let child = tree(value) else { return nil }
                keys.append(scalar.string)
                keyMarks.append(PlainMark(scalar.mark))
                values.append(child)
            }
            return PlainNode(.mapping(keys: keys, values: values), mark: PlainMark(node.mark), keyMarks: keyMarks)
        case .alias:
            return nil
        }
    }

    /// Whether `Resolver.default` gives `text` the `str` tag. Every one of its other rules needs a first
    /// character that is a digit, a sign, `.`, `<`, `=` or `~`, or is one of the few words below, so
    /// names made of ASCII letters and digits are decided here; anything else asks Yams.
    static func resolvesToString(_ text: String) -> Bool {
        var utf8 = text.utf8.makeIterator()
        guard let first = utf8.next(), isLetter(first) else { return Node(text).tag.rawValue == str }
        while let byte = utf8.next() {
            guard isLetter(byte) || (byte >= 0x30 && byte <= 0x39) else { return Node(text).tag.rawValue == str }
        }
        // The words `Resolver.Rule.bool` and `Resolver.Rule.null` match.
        switch text {
        case "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
             "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL":
            return false
        default:
            return true
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
}

/// A plain document's tree as decoding reads it: shared nodes (passing one on is one retain) and keys as
/// text, with the marks that place a cite or an error (line and column in the block, columns in characters).
final class PlainNode {
    enum Content {
        case scalar(Node.Scalar)
        case mapping(keys: [String], values: [PlainNode])
        case sequence([PlainNode])
    }

    let content: Content
    let mark: PlainMark?
    /// For a mapping, where each key is.
    let keyMarks: [PlainMark?]

    init(_ content: Content, mark: PlainMark?, keyMarks: [PlainMark?] = []) {
        self.content = content
        self.mark = mark
        self.keyMarks = keyMarks
    }

    /// What `DefinitionYAML.locate` finds in a Yams tree: the node at `path` or the deepest one that
    /// exists, or, when the path ends at a mapping key, that key (the first pair with it).
    enum Located {
        case node(PlainNode)
        case key(PlainMark?)

        var mark: PlainMark? {
            switch self {
            case .node(let node): return node.mark
            case .key(let mark): return mark
            }
        }
    }

    func locate(_ path: [PathComponent]) -> Located {
        var node = self
        for (position, component) in path.enumerated() {
            switch (component, node.content) {
            case (.key(let key), .mapping(let keys, let values)):
                guard let index = keys.firstIndex(of: key) else { return .node(node) }
                if position == path.count - 1 { return .key(node.keyMarks[index]) }
                node = values[index]
            case (.index(let index), .sequence(let items)):
                guard index >= 0, index < items.count else { return .node(node) }
                node = items[index]
            default:
                return .node(node)
            }
        }
        return .node(node)
    }

    /// The value of `key` when this is a mapping with it (the first pair).
    func value(_ key: String) -> PlainNode? {
        guard case .mapping(let keys, let values) = content, let index = keys.firstIndex(of: key) else { return nil }
        return values[index]
    }
}

/// A position in a block's YAML: 1-based line, and 1-based column counted in characters (as libyaml counts).
struct PlainMark: Equatable, Sendable {
    var line: Int
    var column: Int

    init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    init?(_ mark: Mark?) {
        guard let mark else { return nil }
        self.init(line: mark.line, column: mark.column)
    }
}

/// A coding path from the leaf up. Decoding makes thousands of nested decoders and reads a path only
/// to report an error, so each decoder keeps its key and a link to its parent's path, which a container
/// makes once for all its elements.
final class PathLink {
    let parent: PathLink?
    let key: any CodingKey

    init(parent: PathLink?, key: any CodingKey) { self.parent = parent; self.key = key }
}

/// A `Decoder` over a tree that `PlainYAML.compose` accepted: values, coding paths and `DecodingError`s
/// (type, path and description) are those of `YAMLDecoder`, whose diagnostics the definitions' messages
/// are made of. Scalars are constructed with Yams' own `ScalarConstructible` conformances; keys match by
/// text, as all of them resolve to `str` in such a document.
struct NodeDecoder: Decoder {
    let node: PlainNode
    let parentPath: PathLink?
    let key: (any CodingKey)?

    init(_ tree: PlainNode) { self.init(tree, parentPath: nil, key: nil) }

    init(_ node: PlainNode, parentPath: PathLink?, key: (any CodingKey)?) {
        self.node = node
        self.parentPath = parentPath
        self.key = key
    }

    var codingPath: [any CodingKey] {
        var keys: [any CodingKey] = key.map { [$0] } ?? []
        var link = parentPath
        while let current = link {
            keys.append(current.key)
            link = current.parent
        }
        return keys.reversed()
    }

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .mapping(let keys, let values) = node.content else { throw typeMismatch(Node.Mapping.self, found: Node.self) }
        return KeyedDecodingContainer(KeyedContainer(decoder: self, path: pathForChildren, keys: keys, values: values))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .sequence(let items) = node.content else { throw typeMismatch(Node.Sequence.self, found: Node.self) }
        return UnkeyedContainer(decoder: self, path: pathForChildren, items: items)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    /// The path its children's decoders extend.
    var pathForChildren: PathLink? { key.map { PathLink(parent: parentPath, key: $0) } }

    /// `YAMLDecoder`'s wording, down to the type names it prints.
    func typeMismatch(_ expectation: Any.Type, found reality: Any.Type) -> DecodingError {
        .typeMismatch(expectation, .init(codingPath: codingPath,
                                         debugDescription: "Expected to decode \(expectation) but found \(reality) instead."))
    }
}

extension NodeDecoder: SingleValueDecodingContainer {
    func decodeNil() -> Bool {
        guard case .scalar(let scalar) = node.content else { return false }
        return Self.isNull(scalar)
    }

    /// `NSNull.construct(from:) != nil`, Yams' null, without making an `NSNull`: a plain `~`, `null`, `Null`,
    /// `NULL` or nothing.
    static func isNull(_ scalar: Node.Scalar) -> Bool {
        guard scalar.style == .plain else { return false }
        switch scalar.string {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    /// Bool, String, numbers: a scalar that the type's `construct(from:)` accepts.
    func decode<T: Decodable & ScalarConstructible>(_ type: T.Type) throws -> T {
        switch node.content {
        case .scalar(let scalar):
            guard let value = Self.construct(T.self, from: scalar) else { throw typeMismatch(T.self, found: Node.Scalar.self) }
            return value
        case .mapping: throw typeMismatch(Node.Scalar.self, found: Node.Mapping.self)
        case .sequence: throw typeMismatch(Node.Scalar.self, found: Node.Sequence.self)
        }
    }

    /// A scalar's value as `decode` reads it: `decimal`'s when it reads it, else the type's own constructor's.
    static func construct<T: ScalarConstructible>(_ type: T.Type, from scalar: Node.Scalar) -> T? {
        decimal(scalar, as: T.self) ?? T.construct(from: scalar)
    }

    /// An `Int` or `Double` written as plain decimal digits (`12`, `-3`, `2.5`): what Yams' constructors give
    /// for those (`Int(text)`, `Double(text)`), without the Foundation calls they make first (removing `_`,
    /// looking for `:`); nil for anything else, which goes to `construct(from:)`. Not for an `Int` with a
    /// leading zero (octal to Yams) or a sign other than `-`.
    static func decimal<T>(_ scalar: Node.Scalar, as type: T.Type) -> T? {
        guard T.self == Int.self || T.self == Double.self, scalar.style == .plain || scalar.style == .any else { return nil }
        let utf8 = scalar.string.utf8
        var digits = 0, dots = 0, lastIsDigit = false, first: UInt8?
        for (offset, byte) in utf8.enumerated() {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                if first == nil { first = byte }
                digits += 1
                lastIsDigit = true
            } else if byte == UInt8(ascii: "-") && offset == 0 {
                lastIsDigit = false
            } else if byte == UInt8(ascii: ".") && T.self == Double.self && dots == 0 && lastIsDigit {
                dots += 1
                lastIsDigit = false
            } else {
                return nil
            }
        }
        guard digits > 0, digits <= 18, lastIsDigit else { return nil }
        if T.self == Int.self {
            guard first != UInt8(ascii: "0") || scalar.string == "0" else { return nil }
            return Int(scalar.string) as? T
        }
        return Double(scalar.string) as? T
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        // The same dispatch as `YAMLDecoder`: a type Yams constructs from a scalar (Date, URL, …) is one here too.
        if let constructible = type as? any (Decodable & ScalarConstructible).Type {
            return try decodeScalar(constructible) as! T
        }
        return try T(from: self)
    }

    private func decodeScalar<S: Decodable & ScalarConstructible>(_ type: S.Type) throws -> S { try decode(type) }
}

/// `YAMLDecoder` names a sequence position "Index N".
private struct IndexKey: CodingKey {
    let stringValue: String
    let intValue: Int?
    init(_ index: Int) { stringValue = "Index \(index)"; intValue = index }
    init?(stringValue: String) { self.stringValue = stringValue; intValue = nil }
    init?(intValue: Int) { stringValue = "\(intValue)"; self.intValue = intValue }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: NodeDecoder
    let path: PathLink?
    let keys: [String]
    let values: [PlainNode]

    var codingPath: [any CodingKey] { decoder.codingPath }

    /// Yams hides the keys it would add for an anchor or a tag, whatever the document holds.
    var allKeys: [Key] {
        var all: [Key] = []
        all.reserveCapacity(keys.count)
        for name in keys where name != "yamlAnchor" && name != "yamlTag" {
            if let key = Key(stringValue: name) { all.append(key) }
        }
        return all
    }

    /// The value of `name`. A key equals a looked-up name when both read as the same text with the same
    /// resolved tag; every key here resolves to `str`, so the name must too (a quoted `"yes":` is not `yes`).
    private func value(_ name: String) -> PlainNode? {
        guard let index = keys.lastIndex(of: name) else { return nil }
        return PlainYAML.resolvesToString(name) ? values[index] : nil
    }

    private func child(_ key: any CodingKey) throws -> NodeDecoder {
        guard let node = value(key.stringValue) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath,
                                                       debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\")."))
        }
        return NodeDecoder(node, parentPath: path, key: key)
    }

    func contains(_ key: Key) -> Bool { value(key.stringValue) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { try child(key).decodeNil() }

    func decode<T: Decodable & ScalarConstructible>(_ type: T.Type, forKey key: Key) throws -> T {
        try child(key).decode(type)
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).decode(type) }

    /// As the standard `contains`, `decodeNil`, `decode` sequence, with one look-up.
    func decodeIfPresent<T: Decodable & ScalarConstructible>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let node = value(key.stringValue) else { return nil }
        let child = NodeDecoder(node, parentPath: path, key: key)
        return child.decodeNil() ? nil : try child.decode(type)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let node = value(key.stringValue) else { return nil }
        let child = NodeDecoder(node, parentPath: path, key: key)
        return child.decodeNil() ? nil : try child.decode(type)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { try child(IndexKey(stringValue: "super")!) }

    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: NodeDecoder
    let path: PathLink?
    let items: [PlainNode]
    private(set) var currentIndex = 0

    init(decoder: NodeDecoder, path: PathLink?, items: [PlainNode]) {
        self.decoder = decoder
        self.path = path
        self.items = items
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    /// The next element's decoder; like `YAMLDecoder`, the position advances only when `body` succeeds,
    /// and the error at the end names the type `body` returns.
    private mutating func next<T>(_ body: (NodeDecoder) throws -> T) throws -> T {
        try checkNotAtEnd(T.self)
        let value = try body(NodeDecoder(items[currentIndex], parentPath: path, key: IndexKey(currentIndex)))
        currentIndex += 1
        return value
    }

    private func checkNotAtEnd(_ type: Any.Type) throws {
        guard isAtEnd else { return }
        throw DecodingError.valueNotFound(type, .init(codingPath: codingPath + [IndexKey(currentIndex)],
                                                      debugDescription: "Unkeyed container is at end."))
    }

    /// `YAMLDecoder` moves past the element whether or not it is null.
    mutating func decodeNil() throws -> Bool {
        try checkNotAtEnd(Any?.self)
        return try next { $0.decodeNil() }
    }

    mutating func decode<T: Decodable & ScalarConstructible>(_ type: T.Type) throws -> T { try next { try $0.decode(type) } }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next { try $0.decode(type) } }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next { try $0.container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next { try $0.unkeyedContainer() } }

    mutating func superDecoder() throws -> any Decoder { try next { $0 } }
}
