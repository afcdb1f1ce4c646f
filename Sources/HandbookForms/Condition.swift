// Conditions: {field, equals|in|not|isSet}, {all: [...]}, {any: [...]}.

/// A condition on submitted values (`requiredIf`, `visibleIf`, rule `when`).
public indirect enum Condition: Sendable, Equatable, Codable {
    case equals(field: String, value: JSONValue)
    case isIn(field: String, values: [JSONValue])
    case not(field: String, value: JSONValue)
    case isSet(field: String, set: Bool)
    case all([Condition])
    case any([Condition])

    enum Keys: String, CodingKey { case field, equals, `in`, not, isSet, all, any }
    /// The keys a definition may have (for readers other than `Decodable`).
    public static let keyNames: Set<String> = ["field", "equals", "in", "not", "isSet", "all", "any"]

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Condition.keyNames, context: "condition")
        let c = try decoder.container(keyedBy: Keys.self)
        let ops = [Keys.equals, .in, .not, .isSet, .all, .any].filter { c.contains($0) }
        guard ops.count == 1 else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: ops.isEmpty
                    ? "condition needs exactly one of: equals, in, not, isSet, all, any"
                    : "condition has several operators: \(ops.map(\.stringValue).joined(separator: ", "))"))
        }
        switch ops[0] {
        case .all, .any:
            if c.contains(.field) {
                throw DecodingError.dataCorruptedError(forKey: .field, in: c, debugDescription: "'field' is not allowed with all/any")
            }
            let list = try c.decode([Condition].self, forKey: ops[0])
            self = ops[0] == .all ? .all(list) : .any(list)
        default:
            let field = try c.decode(String.self, forKey: .field)
            switch ops[0] {
            case .equals: self = .equals(field: field, value: try c.decode(JSONValue.self, forKey: .equals))
            case .in: self = .isIn(field: field, values: try c.decode([JSONValue].self, forKey: .in))
            case .not: self = .not(field: field, value: try c.decode(JSONValue.self, forKey: .not))
            default: self = .isSet(field: field, set: try c.decode(Bool.self, forKey: .isSet))
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .equals(let f, let v): try c.encode(f, forKey: .field); try c.encode(v, forKey: .equals)
        case .isIn(let f, let v): try c.encode(f, forKey: .field); try c.encode(v, forKey: .in)
        case .not(let f, let v): try c.encode(f, forKey: .field); try c.encode(v, forKey: .not)
        case .isSet(let f, let b): try c.encode(f, forKey: .field); try c.encode(b, forKey: .isSet)
        case .all(let l): try c.encode(l, forKey: .all)
        case .any(let l): try c.encode(l, forKey: .any)
        }
    }

    /// Every field id named by this condition (depth first), with its coding path relative to the condition.
    public func fieldReferences() -> [(field: String, path: [PathComponent])] {
        switch self {
        case .equals(let f, _), .isIn(let f, _), .not(let f, _), .isSet(let f, _):
            return [(f, [.key("field")])]
        case .all(let l), .any(let l):
            let key = { if case .all = self { return "all" } else { return "any" } }()
            var out: [(String, [PathComponent])] = []
            for (i, c) in l.enumerated() {
                for r in c.fieldReferences() { out.append((r.field, [.key(key), .index(i)] + r.path)) }
            }
            return out
        }
    }

    /// Evaluates the condition; `lookup` returns the effective value of a field (nil when absent or hidden).
    ///
    /// Semantics (shared with the page JavaScript, see Tests/vectors/README.md):
    /// `equals` is deep JSON equality, except that when the field's value is an array and the operand is
    /// not, it means "the array contains the operand" (multichoice); `in` holds when `equals` holds for one
    /// of the listed values; `not` is the negation of `equals` (so an absent field satisfies `not`);
    /// `isSet` uses the "is set" definition; `all` of an empty list is true, `any` of an empty list false.
    public func evaluate(_ lookup: (String) -> JSONValue?) -> Bool {
        switch self {
        case .equals(let f, let v): return Condition.matches(lookup(f), v)
        case .isIn(let f, let vs):
            let x = lookup(f)
            return vs.contains { Condition.matches(x, $0) }
        case .not(let f, let v): return !Condition.matches(lookup(f), v)
        case .isSet(let f, let b): return JSONValue.isSet(lookup(f)) == b
        case .all(let l): return l.allSatisfy { $0.evaluate(lookup) }
        case .any(let l): return l.contains { $0.evaluate(lookup) }
        }
    }

    static func matches(_ value: JSONValue?, _ operand: JSONValue) -> Bool {
        guard let value else { return operand == .null }
        if value == operand { return true }
        if case .array(let items) = value {
            if case .array = operand { return false }
            return items.contains(operand)
        }
        return false
    }
}
