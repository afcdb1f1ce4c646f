/// A template context built with its types known, for the contexts made once per page.
///
/// `ShapeProbe.visit(_: Any)` finds each value's type at run time, sorts each dictionary's keys and copies
/// every string into the shape; on a 5,000-page build that, and building the `[String: Any]` dictionaries
/// it walks, was about a twentieth of the CPU. A typed context is walked with a `switch`, its objects are
/// kept sorted as they are made, and a part that is the same on every page (`frozen`) is walked once.
///
/// The contract, held by tests: `ShapeProbe.visit(typed)` writes the same shape key and the same strings in
/// the same order as `ShapeProbe.visit(typed.value)`, so typed and untyped contexts share compiled shapes,
/// and `value` (what Mustache gets whenever it renders) is the dictionary the typed context stands for.
enum TypedContext: @unchecked Sendable {
    case string(String)
    /// Text as its UTF-8 bytes (valid: made from strings), such as a page's body: rendered into bytes it is
    /// copied as it is, without becoming a `String` (making one checks every byte). Its shape and its place
    /// among the strings are those of the string it stands for.
    case utf8([UInt8])
    case bool(Bool)
    case int(Int)
    /// A string table (the theme's UI strings): walked as `[String: String]`, remembered by its storage.
    case table([String: String])
    /// Keys in `ShapeProbe.precedes` order, each once; make one with `object(_:)`.
    case sortedObject([(key: String, value: TypedContext)])
    case list([TypedContext])
    /// A part walked once (`TemplateShapes.freeze`).
    case frozen(FrozenContext)

    /// An object from pairs in any order; a later pair replaces an earlier one with the same key, as
    /// assigning into a dictionary does.
    static func object(_ pairs: [(String, TypedContext)]) -> TypedContext {
        var sorted: [(key: String, value: TypedContext)] = []
        sorted.reserveCapacity(pairs.count)
        for (key, value) in pairs {
            var slot = sorted.count
            while slot > 0 && ShapeProbe.precedes(key, sorted[slot - 1].key) { slot -= 1 }
            if slot > 0 && sorted[slot - 1].key.utf8.elementsEqual(key.utf8) {
                sorted[slot - 1].value = value
            } else {
                sorted.insert((key, value), at: slot)
            }
        }
        return .sortedObject(sorted)
    }

    /// An object of strings (a link, a breadcrumb, a script).
    static func strings(_ pairs: [(String, String)]) -> TypedContext {
        object(pairs.map { ($0.0, .string($0.1)) })
    }

    /// What Mustache renders: `[String: Any]` for objects, `[Any]` for lists, `[String: String]` for tables.
    var value: Any {
        switch self {
        case .string(let string): return string
        case .utf8(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .bool(let bool): return bool
        case .int(let int): return int
        case .table(let table): return table
        case .sortedObject(let pairs):
            var dictionary = [String: Any](minimumCapacity: pairs.count)
            for (key, value) in pairs { dictionary[key] = value.value }
            return dictionary
        case .list(let items): return items.map(\.value)
        case .frozen(let frozen): return frozen.value
        }
    }
}

/// A typed context part with its shape-key fragment and strings worked out once.
final class FrozenContext: @unchecked Sendable {
    let typed: TypedContext
    let value: Any
    let bytes: [UInt8]
    let leaves: [String]

    init(_ typed: TypedContext, tables: StringTables) {
        var probe = ShapeProbe(tables: tables)
        probe.visit(typed)
        self.typed = typed
        self.value = typed.value
        self.bytes = probe.key.bytes
        self.leaves = probe.leaves
    }
}

extension ShapeProbe {
    /// The typed twin of `visit(_: Any)`: the same bytes and strings for `typed.value`, and never a value a
    /// marker cannot stand in for.
    mutating func visit(_ typed: TypedContext) {
        switch typed {
        case .string(let string):
            append(string)
        case .utf8(let bytes):
            appendUTF8(bytes)
        case .bool(let bool):
            appendBool(bool)
        case .int(let int):
            appendInt(int)
        case .table(let table):
            appendTable(table)
        case .sortedObject(let pairs):
            appendByte(0x7B)  // {
            for (key, value) in pairs {
                appendKey(key)
                visit(value)
            }
            appendByte(0x7D)  // }
        case .list(let items):
            appendListStart(items.count)
            for item in items { visit(item) }
            appendByte(0x5D)  // ]
        case .frozen(let frozen):
            appendFrozen(frozen)
        }
    }
}
