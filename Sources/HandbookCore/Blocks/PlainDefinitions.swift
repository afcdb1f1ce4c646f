import HandbookForms
import Yams

/// Checklist and quiz definitions read straight from a plain tree, without `Decodable`.
///
/// `NodeDecoder` goes through Swift's `Decoder` protocols: a container, a coding path and a dynamic cast for
/// every value, which made decoding most of the cost of each block. This reader makes the same calls on
/// the leaves (Yams' `construct(from:)`, `NodeDecoder.decimal`) and the same checks as the definitions'
/// `init(from:)` (allowed keys, keys of other types, exactly one operator …), in plain code. It gives only
/// the value: anything the `Decodable` way would reject, and a few rare things it would accept (the keys
/// Yams hides, `yamlAnchor` and `yamlTag`), make it return nil, and `NodeDecoder` then gives the value
/// or the error it always gave. Tests hold the two ways to the same values.
enum PlainDefinitions {
    /// The value `NodeDecoder` would give, or nil when that must decide.
    static func read<T>(_ type: T.Type, from tree: PlainNode) -> T? {
        if T.self == ChecklistDefinition.self { return (try? checklist(tree)) as? T }
        if T.self == QuizDefinition.self { return (try? quiz(tree)) as? T }
        return nil
    }

    /// Not read here: `NodeDecoder` decides.
    struct Mismatch: Error {}

    /// A mapping whose keys are all allowed; values are looked up as `NodeDecoder` does (the last pair
    /// with the key: a plain tree has no duplicate keys, but the rule is the same).
    struct Members {
        let keys: [String]
        let values: [PlainNode]

        init(_ node: PlainNode, allowed: Set<String>) throws(Mismatch) {
            guard case .mapping(let keys, let values) = node.content else { throw Mismatch() }
            for key in keys where !allowed.contains(key) { throw Mismatch() }
            self.keys = keys
            self.values = values
        }

        func node(_ key: String) -> PlainNode? { keys.lastIndex(of: key).map { values[$0] } }

        func contains(_ key: String) -> Bool { keys.contains(key) }

        /// `decode(_:forKey:)`: the key must be there.
        func required<T>(_ key: String, _ read: (PlainNode) throws(Mismatch) -> T) throws(Mismatch) -> T {
            guard let node = node(key) else { throw Mismatch() }
            return try read(node)
        }

        /// `decodeIfPresent(_:forKey:)`: nil when the key is missing or its value is null.
        func optional<T>(_ key: String, _ read: (PlainNode) throws(Mismatch) -> T) throws(Mismatch) -> T? {
            guard let node = node(key), !isNull(node) else { return nil }
            return try read(node)
        }

        /// `rejectKeys`: none of these may be present.
        func reject(_ names: [String]?) throws(Mismatch) {
            for name in names ?? [] where keys.contains(name) { throw Mismatch() }
        }
    }

    // MARK: Leaves, with the constructors `NodeDecoder` uses

    static func isNull(_ node: PlainNode) -> Bool {
        if case .scalar(let scalar) = node.content { return NodeDecoder.isNull(scalar) }
        return false
    }

    static func scalar(_ node: PlainNode) throws(Mismatch) -> Node.Scalar {
        guard case .scalar(let scalar) = node.content else { throw Mismatch() }
        return scalar
    }

    /// A scalar leaf, read as `NodeDecoder.decode` reads it.
    static func leaf<T: ScalarConstructible>(_ node: PlainNode, as type: T.Type) throws(Mismatch) -> T {
        guard let value = NodeDecoder.construct(T.self, from: try scalar(node)) else { throw Mismatch() }
        return value
    }

    static func string(_ node: PlainNode) throws(Mismatch) -> String { try leaf(node, as: String.self) }

    static func int(_ node: PlainNode) throws(Mismatch) -> Int { try leaf(node, as: Int.self) }

    static func double(_ node: PlainNode) throws(Mismatch) -> Double { try leaf(node, as: Double.self) }

    static func bool(_ node: PlainNode) throws(Mismatch) -> Bool { try leaf(node, as: Bool.self) }

    /// A `String`-backed enum: the synthesised `init(from:)` decodes a `String` and looks up the case.
    static func raw<E: RawRepresentable>(_ node: PlainNode) throws(Mismatch) -> E where E.RawValue == String {
        guard let value = E(rawValue: try string(node)) else { throw Mismatch() }
        return value
    }

    /// An array: the value must be a sequence (`unkeyedContainer`).
    static func list<T>(_ node: PlainNode, _ read: (PlainNode) throws(Mismatch) -> T) throws(Mismatch) -> [T] {
        guard case .sequence(let items) = node.content else { throw Mismatch() }
        var values: [T] = []
        values.reserveCapacity(items.count)
        for item in items { values.append(try read(item)) }
        return values
    }

    static func strings(_ node: PlainNode) throws(Mismatch) -> [String] { try list(node, string) }

    /// `JSONValue.init(from:)`: a sequence is an array, a mapping an object, and a scalar the first of null,
    /// boolean, 64-bit integer, number and string that reads it.
    static func json(_ node: PlainNode) throws(Mismatch) -> JSONValue {
        switch node.content {
        case .sequence:
            return .array(try list(node, json))
        case .mapping(let keys, let values):
            var object: [String: JSONValue] = [:]
            object.reserveCapacity(keys.count)
            for key in keys {
                // Keys Yams hides, and names a look-up would not find: `NodeDecoder` decides.
                guard key != "yamlAnchor", key != "yamlTag", PlainYAML.resolvesToString(key) else { throw Mismatch() }
                object[key] = try json(values[keys.lastIndex(of: key)!])
            }
            return .object(object)
        case .scalar(let s):
            if NodeDecoder.isNull(s) { return .null }
            if let b = NodeDecoder.construct(Bool.self, from: s) { return .bool(b) }
            // `Int64.construct` is `Int.construct` on a 64-bit machine, whose decimals `NodeDecoder.decimal` reads.
            if let i = NodeDecoder.decimal(s, as: Int.self).map(Int64.init) ?? Int64.construct(from: s) { return .number(Double(i)) }
            if let d = NodeDecoder.construct(Double.self, from: s) { return .number(d) }
            guard let text = NodeDecoder.construct(String.self, from: s) else { throw Mismatch() }
            return .string(text)
        }
    }

    // MARK: Definitions, as their `init(from:)`

    static func checklist(_ node: PlainNode) throws(Mismatch) -> ChecklistDefinition {
        let m = try Members(node, allowed: ChecklistDefinition.keyNames)
        return ChecklistDefinition(
            id: try m.required("id", string), title: try m.required("title", string), version: try m.required("version", int),
            cite: try m.optional("cite", string), description: try m.optional("description", string),
            fields: try m.required("fields") { n throws(Mismatch) in try list(n, field) },
            rules: try m.optional("rules") { n throws(Mismatch) in try list(n, rule) })
    }

    static func field(_ node: PlainNode) throws(Mismatch) -> Field {
        let m = try Members(node, allowed: Field.keyNames)
        let type: FieldType = try m.required("type", raw)
        try m.reject(Field.keysOfOtherTypes[type])
        return Field(
            id: try m.required("id", string), type: type, label: try m.required("label", string),
            help: try m.optional("help", string), required: try m.optional("required", bool),
            requiredIf: try m.optional("requiredIf", condition), visibleIf: try m.optional("visibleIf", condition),
            cite: try m.optional("cite", string), maxLength: try m.optional("maxLength", int),
            min: try m.optional("min", double), max: try m.optional("max", double), integer: try m.optional("integer", bool),
            unit: try m.optional("unit", string), options: try m.optional("options", strings), other: try m.optional("other", bool),
            minSelected: try m.optional("minSelected", int), maxSelected: try m.optional("maxSelected", int),
            scale: try m.optional("scale", int), labels: try m.optional("labels", strings),
            fields: try m.optional("fields") { n throws(Mismatch) in try list(n, field) },
            repeat: try m.optional("repeat", repeatSpec))
    }

    static func repeatSpec(_ node: PlainNode) throws(Mismatch) -> RepeatSpec {
        let m = try Members(node, allowed: RepeatSpec.keyNames)
        return RepeatSpec(min: try m.optional("min", int), max: try m.optional("max", int))
    }

    static func rule(_ node: PlainNode) throws(Mismatch) -> Rule {
        let m = try Members(node, allowed: Rule.keyNames)
        let type: Rule.Kind = try m.required("type", raw)
        try m.reject(Rule.keysOfOtherTypes[type])
        return Rule(
            id: try m.required("id", string), type: type, from: try m.optional("from", string), to: try m.optional("to", string),
            within: try m.optional("within", within), first: try m.optional("first", string), then: try m.optional("then", string),
            fields: try m.optional("fields", strings), field: try m.optional("field", string),
            // `value` is decoded whenever present: a null value is `JSONValue.null`.
            value: m.contains("value") ? try m.required("value", json) : nil,
            when: try m.optional("when", condition), message: try m.optional("message", string), cite: try m.optional("cite", string))
    }

    static func within(_ node: PlainNode) throws(Mismatch) -> Within {
        let m = try Members(node, allowed: Within.keyNames)
        let present = ["hours", "days", "workingDays", "sameDay"].filter(m.contains)
        guard present.count == 1 else { throw Mismatch() }
        switch present[0] {
        case "hours": return .hours(try m.required("hours", int))
        case "days": return .days(try m.required("days", int))
        case "workingDays": return .workingDays(try m.required("workingDays", int))
        default:
            guard try m.required("sameDay", bool) else { throw Mismatch() }
            return .sameDay
        }
    }

    static func condition(_ node: PlainNode) throws(Mismatch) -> Condition {
        let m = try Members(node, allowed: Condition.keyNames)
        let ops = ["equals", "in", "not", "isSet", "all", "any"].filter(m.contains)
        guard ops.count == 1 else { throw Mismatch() }
        switch ops[0] {
        case "all", "any":
            guard !m.contains("field") else { throw Mismatch() }
            let list = try m.required(ops[0]) { n throws(Mismatch) in try Self.list(n, condition) }
            return ops[0] == "all" ? .all(list) : .any(list)
        default:
            let field = try m.required("field", string)
            switch ops[0] {
            case "equals": return .equals(field: field, value: try m.required("equals", json))
            case "in": return .isIn(field: field, values: try m.required("in") { n throws(Mismatch) in try list(n, json) })
            case "not": return .not(field: field, value: try m.required("not", json))
            default: return .isSet(field: field, set: try m.required("isSet", bool))
            }
        }
    }

    static func quiz(_ node: PlainNode) throws(Mismatch) -> QuizDefinition {
        let m = try Members(node, allowed: QuizDefinition.keyNames)
        return QuizDefinition(
            id: try m.required("id", string), title: try m.required("title", string), version: try m.optional("version", int),
            description: try m.optional("description", string), passMark: try m.optional("passMark", double),
            questions: try m.required("questions") { n throws(Mismatch) in try list(n, question) })
    }

    static func question(_ node: PlainNode) throws(Mismatch) -> Question {
        let m = try Members(node, allowed: Question.keyNames)
        let type: Question.Kind = try m.required("type", raw)
        try m.reject(Question.keysOfOtherTypes[type])
        return Question(
            id: try m.required("id", string), type: type, prompt: try m.required("prompt", string),
            options: try m.optional("options", strings), answer: try m.optional("answer", json),
            items: try m.optional("items", strings), partialCredit: try m.optional("partialCredit", bool),
            explanation: try m.optional("explanation", string), cite: try m.optional("cite", string),
            weight: try m.optional("weight", double))
    }
}
