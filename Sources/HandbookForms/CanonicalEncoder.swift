import Foundation

// Canonical JSON (sorted keys, no white space, unescaped slashes) of an Encodable value, written without
// Foundation's JSONEncoder. JSONEncoder boxes every value it meets, sorts keys through Foundation and was
// about a sixth of the cost of each checklist or quiz block. This writer collects the value into a small
// tree and writes it with `JSONValue`'s writers (strings, numbers, arrays, objects in key order), which the tests hold to
// JSONEncoder's output byte for byte. Anything it does not handle the way JSONEncoder would — `Date`,
// `Data`, `URL`, `Decimal`, `Float`, non-finite numbers, super encoders, a value that encodes nothing —
// makes `encode` return nil, and `Canonical.json` asks JSONEncoder instead.

enum CanonicalEncoder {
    /// The canonical JSON of `value`, or nil when JSONEncoder must decide (see above).
    static func encode<T: Encodable>(_ value: T) -> [UInt8]? {
        let root = Slot(), context = Context()
        do {
            try Writer.encode(value, into: root, context: context, path: [])
        } catch {
            return nil
        }
        guard let tree = root.value, !context.unsupported else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        tree.write(to: &out)
        return out
    }

    /// Thrown for what this writer leaves to JSONEncoder.
    struct Unsupported: Error {}

    /// A value in the tree. Objects and arrays are shared boxes: a nested container keeps filling one after
    /// it has been put in its parent.
    enum Value {
        case literal(String)  // null, true, false or a number, as written
        case string(String)
        case object(Object)
        case array(Array)

        func write(to out: inout [UInt8]) {
            switch self {
            case .literal(let text): out += text.utf8
            case .string(let text): JSONValue.appendJSONString(text, to: &out)
            case .array(let array): JSONValue.appendArray(array.items, to: &out) { $0.write(to: &$1) }
            case .object(let object): JSONValue.appendObject(object.members, to: &out) { $0.write(to: &$1) }
            }
        }
    }

    final class Object {
        /// A key encoded twice keeps its last value, as in JSONEncoder.
        var members: [String: Value] = [:]
    }

    final class Array {
        var items: [Value] = []
    }

    /// Set when the value asked for a super encoder.
    final class Context {
        var unsupported = false
    }

    /// Where one encoder's value goes.
    final class Slot {
        var value: Value?
    }

    /// The text JSONEncoder writes for a Double: its description without a final `.0`; it refuses
    /// infinities and NaN (so does this writer, leaving the error to JSONEncoder).
    static func number(_ value: Double) throws -> Value {
        guard value.isFinite else { throw Unsupported() }
        return .literal(JSONValue.doubleText(value))
    }

    /// The value of a scalar type JSONEncoder writes directly, or nil for any other type. By metatype:
    /// a failed `as?` cast is a runtime call, and most values are structs that would fail a dozen.
    @inline(__always)
    static func scalar<T>(_ value: T) throws -> Value? {
        let type = ObjectIdentifier(T.self)
        if type == string { return .string(value as! String) }
        if type == bool { return .literal(value as! Bool ? "true" : "false") }
        if type == int { return .literal(String(value as! Int)) }
        if type == double { return try number(value as! Double) }
        if type == int64 { return .literal(String(value as! Int64)) }
        if others.contains(type) {
            if let integer = value as? any FixedWidthInteger { return .literal(integer.description) }
            throw Unsupported()
        }
        return nil
    }

    /// The other integer types, and the types JSONEncoder writes in its own way.
    private static let others: [ObjectIdentifier] = ([
        Int8.self, Int16.self, Int32.self, UInt.self, UInt8.self, UInt16.self, UInt32.self, UInt64.self,
        Float.self, Date.self, Data.self, URL.self, Decimal.self,
    ] as [Any.Type]).map { ObjectIdentifier($0) }

    private static let string = ObjectIdentifier(String.self), bool = ObjectIdentifier(Bool.self), int = ObjectIdentifier(Int.self)
    private static let double = ObjectIdentifier(Double.self), int64 = ObjectIdentifier(Int64.self)

    struct Writer: Encoder {
        let slot: Slot
        let context: Context
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        static func encode<T: Encodable>(_ value: T, into slot: Slot, context: Context, path: [any CodingKey]) throws {
            if let scalar = try scalar(value) {
                slot.value = scalar
                return
            }
            try value.encode(to: Writer(slot: slot, context: context, codingPath: path))
            // JSONEncoder writes `{}` for a value that encodes nothing; not worth imitating.
            guard slot.value != nil else { throw Unsupported() }
        }

        /// The value of a nested `encode`.
        /// (The path is made only for a value that is not a scalar.)
        static func value<T: Encodable>(_ value: T, context: Context, path: @autoclosure () -> [any CodingKey]) throws -> Value {
            if let scalar = try scalar(value) { return scalar }
            let slot = Slot()
            try encode(value, into: slot, context: context, path: path())
            return slot.value!
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            let object: Object
            if case .object(let existing)? = slot.value {
                object = existing
            } else {
                object = Object()
                slot.value = .object(object)
            }
            return KeyedEncodingContainer(KeyedWriter<Key>(object: object, context: context, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            let array: Array
            if case .array(let existing)? = slot.value {
                array = existing
            } else {
                array = Array()
                slot.value = .array(array)
            }
            return UnkeyedWriter(array: array, context: context, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { SingleWriter(slot: slot, context: context, codingPath: codingPath) }
    }

    struct KeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let object: Object
        let context: Context
        let codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) { object.members[key.stringValue] = .literal("null") }
        mutating func encode(_ value: String, forKey key: Key) { object.members[key.stringValue] = .string(value) }
        mutating func encode(_ value: Bool, forKey key: Key) { object.members[key.stringValue] = .literal(value ? "true" : "false") }
        mutating func encode(_ value: Int, forKey key: Key) { object.members[key.stringValue] = .literal(String(value)) }
        mutating func encode(_ value: Double, forKey key: Key) throws { object.members[key.stringValue] = try number(value) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            object.members[key.stringValue] = try Writer.value(value, context: context, path: codingPath + [key])
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let nested = Object()
            object.members[key.stringValue] = .object(nested)
            return KeyedEncodingContainer(KeyedWriter<NestedKey>(object: nested, context: context, codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = Array()
            object.members[key.stringValue] = .array(nested)
            return UnkeyedWriter(array: nested, context: context, codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Encoder { context.superEncoder(codingPath) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { context.superEncoder(codingPath + [key]) }
    }

    struct UnkeyedWriter: UnkeyedEncodingContainer {
        let array: Array
        let context: Context
        let codingPath: [any CodingKey]
        var count: Int { array.items.count }

        mutating func encodeNil() { array.items.append(.literal("null")) }
        mutating func encode(_ value: String) { array.items.append(.string(value)) }
        mutating func encode(_ value: Bool) { array.items.append(.literal(value ? "true" : "false")) }
        mutating func encode(_ value: Int) { array.items.append(.literal(String(value))) }
        mutating func encode(_ value: Double) throws { array.items.append(try number(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            array.items.append(try Writer.value(value, context: context, path: codingPath))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let nested = Object()
            array.items.append(.object(nested))
            return KeyedEncodingContainer(KeyedWriter<NestedKey>(object: nested, context: context, codingPath: codingPath))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = Array()
            array.items.append(.array(nested))
            return UnkeyedWriter(array: nested, context: context, codingPath: codingPath)
        }

        mutating func superEncoder() -> any Encoder { context.superEncoder(codingPath) }
    }

    struct SingleWriter: SingleValueEncodingContainer {
        let slot: Slot
        let context: Context
        let codingPath: [any CodingKey]

        mutating func encodeNil() { slot.value = .literal("null") }
        mutating func encode(_ value: String) { slot.value = .string(value) }
        mutating func encode(_ value: Bool) { slot.value = .literal(value ? "true" : "false") }
        mutating func encode(_ value: Int) { slot.value = .literal(String(value)) }
        mutating func encode(_ value: Int64) { slot.value = .literal(String(value)) }
        mutating func encode(_ value: Double) throws { slot.value = try number(value) }
        mutating func encode<T: Encodable>(_ value: T) throws { slot.value = try Writer.value(value, context: context, path: codingPath) }
    }
}

extension CanonicalEncoder.Context {
    /// JSONEncoder's super encoders write into their parent in their own way: the value goes nowhere and
    /// the whole encoding falls back to JSONEncoder.
    func superEncoder(_ path: [any CodingKey]) -> any Encoder {
        unsupported = true
        return CanonicalEncoder.Writer(slot: CanonicalEncoder.Slot(), context: self, codingPath: path)
    }
}
