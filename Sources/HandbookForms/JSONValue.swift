// Arbitrary JSON values (condition operands, rule values, answers, whole submissions).

/// A JSON value. Numbers are `Double` (as in JavaScript); objects are unordered.
public enum JSONValue: Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public var isNull: Bool { if case .null = self { return true } else { return false } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var numberValue: Double? { if case .number(let n) = self { return n } else { return nil } }
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o } else { return nil } }

    public subscript(key: String) -> JSONValue? { objectValue?[key] }

    /// "Is set" in the sense of docs/blocks.md: present, not null, not `""`, not `[]`.
    public static func isSet(_ value: JSONValue?) -> Bool {
        switch value {
        case .none, .null?: return false
        case .string(let s)?: return !s.isEmpty
        case .array(let a)?: return !a.isEmpty
        default: return true
        }
    }

    /// The JSON type name used in messages.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Scalar rendered as text (numbers without a trailing `.0`), for option comparisons and messages.
    public var scalarText: String? {
        switch self {
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return JSONValue.format(n)
        default: return nil
        }
    }

    /// Compact, human-readable rendering (not canonical JSON; used in messages).
    public var displayText: String {
        switch self {
        case .null: return "null"
        case .bool, .number: return scalarText!
        case .string(let s): return "\"\(s)\""
        case .array(let a): return "[" + a.map(\.displayText).joined(separator: ", ") + "]"
        case .object(let o):
            return "{" + o.keys.sorted().map { "\($0): \(o[$0]!.displayText)" }.joined(separator: ", ") + "}"
        }
    }

    static func format(_ n: Double) -> String {
        if n.rounded() == n, abs(n) < 1e15 { return String(Int64(n)) }
        return String(n)
    }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        if var arr = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            if let n = arr.count { items.reserveCapacity(n) }
            while !arr.isAtEnd { items.append(try arr.decode(JSONValue.self)) }
            self = .array(items)
            return
        }
        if let obj = try? decoder.container(keyedBy: AnyKey.self) {
            var dict: [String: JSONValue] = [:]
            for key in obj.allKeys { dict[key.stringValue] = try obj.decode(JSONValue.self, forKey: key) }
            self = .object(dict)
            return
        }
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let i = try? c.decode(Int64.self) { self = .number(Double(i)); return }
        if let d = try? c.decode(Double.self) { self = .number(d); return }
        if let s = try? c.decode(String.self) { self = .string(s); return }
        throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a JSON value")
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var c = encoder.singleValueContainer(); try c.encodeNil()
        case .bool(let b):
            var c = encoder.singleValueContainer(); try c.encode(b)
        case .number(let n):
            var c = encoder.singleValueContainer()
            if n.rounded() == n, abs(n) < 9e15 { try c.encode(Int64(n)) } else { try c.encode(n) }
        case .string(let s):
            var c = encoder.singleValueContainer(); try c.encode(s)
        case .array(let a):
            var c = encoder.unkeyedContainer()
            for v in a { try c.encode(v) }
        case .object(let o):
            var c = encoder.container(keyedBy: AnyKey.self)
            for (k, v) in o { try c.encode(v, forKey: AnyKey(k)) }
        }
    }
}

extension JSONValue: ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, b in b }))
    }
}

/// A coding key for arbitrary strings and indices.
public struct AnyKey: CodingKey, Hashable, Sendable {
    public var stringValue: String
    public var intValue: Int?
    public init(_ s: String) { stringValue = s; intValue = nil }
    public init?(stringValue: String) { self.stringValue = stringValue; intValue = nil }
    public init?(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
}

extension Decoder {
    /// Strict decoding: throws for any key not in `allowed` (with the offending key in the coding path).
    /// Returns the keys present, for `rejectKeys`: listing them again would cost another container.
    @discardableResult
    func rejectUnknownKeys(allowed: Set<String>, context: String) throws -> [AnyKey] {
        let present = try container(keyedBy: AnyKey.self).allKeys
        for key in present where !allowed.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: codingPath + [key],
                debugDescription: "unknown key '\(key.stringValue)' in \(context); allowed: \(allowed.sorted().joined(separator: ", "))"))
        }
        return present
    }

    /// Throws when a key that is only allowed on other types is among the `present` ones.
    func rejectKeys(_ keys: [String], present: [AnyKey], notAllowedFor what: String) throws {
        for k in keys where present.contains(where: { $0.stringValue == k }) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: codingPath + [AnyKey(k)],
                debugDescription: "key '\(k)' is not allowed for \(what)"))
        }
    }
}

extension JSONValue {
    /// Compact JSON with sorted keys and unescaped slashes: byte for byte what `JSONEncoder` with
    /// `[.sortedKeys, .withoutEscapingSlashes]` writes (tests compare the two), without going through Codable.
    public var compactJSON: String {
        var out: [UInt8] = []
        appendJSON(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public func appendJSON(to out: inout [UInt8]) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .number(let n):
            // As `encode(to:)`: a whole number below 9e15 as an integer, any other as JSONEncoder writes a
            // Double (its description without a trailing ".0").
            if !n.isFinite {
                out += "null".utf8  // JSON has no infinity (JSONEncoder would refuse the whole value)
            } else if n.rounded() == n, abs(n) < 9e15 {
                out += String(Int64(n)).utf8
            } else {
                out += Self.doubleText(n).utf8
            }
        case .string(let s): Self.appendJSONString(s, to: &out)
        case .array(let items): Self.appendArray(items, to: &out) { $0.appendJSON(to: &$1) }
        case .object(let members): Self.appendObject(members, to: &out) { $0.appendJSON(to: &$1) }
        }
    }

    /// What JSONEncoder writes for a finite Double: its description without a final ".0".
    static func doubleText(_ n: Double) -> String {
        var text = n.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    /// `[a,b,…]`, each item written by `write`.
    static func appendArray<Item>(_ items: [Item], to out: inout [UInt8], _ write: (Item, inout [UInt8]) -> Void) {
        out.append(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            write(item, &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// `{"k":v,…}` with the keys in the order of JSONEncoder's `.sortedKeys` (by their UTF-8 bytes), each value
    /// written by `write`.
    static func appendObject<Member>(_ members: [String: Member], to out: inout [UInt8], _ write: (Member, inout [UInt8]) -> Void) {
        out.append(UInt8(ascii: "{"))
        for (index, key) in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendJSONString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            write(members[key]!, &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// `"` and `\` escaped, \b \t \n \f \r by name, other control characters as \u00xx; nothing else.
    static func appendJSONString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x00..<0x20: out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
