// Checklist definitions: the `checklist` block of docs/blocks.md.

/// A checklist (form) definition.
public struct ChecklistDefinition: Sendable, Equatable, Codable {
    public var id: String
    public var title: String
    public var version: Int
    public var cite: String?
    public var description: String?
    public var fields: [Field]
    public var rules: [Rule]?

    public init(id: String, title: String, version: Int, cite: String? = nil, description: String? = nil,
                fields: [Field], rules: [Rule]? = nil) {
        self.id = id; self.title = title; self.version = version; self.cite = cite
        self.description = description; self.fields = fields; self.rules = rules
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case id, title, version, cite, description, fields, rules }
    /// The keys a definition may have (for readers other than `Decodable`).
    public static let keyNames = Set(CodingKeys.allCases.map(\.rawValue))

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: ChecklistDefinition.keyNames, context: "checklist")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        title = try c.decode(String.self, forKey: .title)
        version = try c.decode(Int.self, forKey: .version)
        cite = try c.decodeIfPresent(String.self, forKey: .cite)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        fields = try c.decode([Field].self, forKey: .fields)
        rules = try c.decodeIfPresent([Rule].self, forKey: .rules)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(title, forKey: .title)
        try c.encode(version, forKey: .version)
        try c.encodeIfPresent(cite, forKey: .cite)
        try c.encodeIfPresent(description, forKey: .description)
        try c.encode(fields, forKey: .fields)
        try c.encodeIfPresent(rules, forKey: .rules)
    }

    /// Top-level field by id.
    public func field(_ id: String) -> Field? { fields.first { $0.id == id } }
}

public enum FieldType: String, Sendable, Equatable, Codable, CaseIterable {
    case check, yesno, yesnona, text, textarea, number, date, datetime, choice, multichoice, rating
    case phone, email, signature, group
}

/// `repeat: {min, max}` of a repeating group.
public struct RepeatSpec: Sendable, Equatable, Codable {
    public var min: Int?
    public var max: Int?
    public init(min: Int? = nil, max: Int? = nil) { self.min = min; self.max = max }
    enum CodingKeys: String, CodingKey { case min, max }
    /// The keys a definition may have (for readers other than `Decodable`).
    public static let keyNames: Set<String> = ["min", "max"]
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: RepeatSpec.keyNames, context: "repeat")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        min = try c.decodeIfPresent(Int.self, forKey: .min)
        max = try c.decodeIfPresent(Int.self, forKey: .max)
    }
}

/// A field of a checklist (or of a group).
public struct Field: Sendable, Equatable, Codable {
    public var id: String
    public var type: FieldType
    public var label: String
    public var help: String?
    public var required: Bool?
    public var requiredIf: Condition?
    public var visibleIf: Condition?
    public var cite: String?
    // text, textarea
    public var maxLength: Int?
    // number
    public var min: Double?
    public var max: Double?
    public var integer: Bool?
    public var unit: String?
    // choice, multichoice
    public var options: [String]?
    public var other: Bool?
    public var minSelected: Int?
    public var maxSelected: Int?
    // rating
    public var scale: Int?
    public var labels: [String]?
    // group
    public var fields: [Field]?
    public var `repeat`: RepeatSpec?

    public init(id: String, type: FieldType, label: String, help: String? = nil, required: Bool? = nil,
                requiredIf: Condition? = nil, visibleIf: Condition? = nil, cite: String? = nil,
                maxLength: Int? = nil, min: Double? = nil, max: Double? = nil, integer: Bool? = nil,
                unit: String? = nil, options: [String]? = nil, other: Bool? = nil, minSelected: Int? = nil,
                maxSelected: Int? = nil, scale: Int? = nil, labels: [String]? = nil, fields: [Field]? = nil,
                repeat: RepeatSpec? = nil) {
        self.id = id; self.type = type; self.label = label; self.help = help; self.required = required
        self.requiredIf = requiredIf; self.visibleIf = visibleIf; self.cite = cite; self.maxLength = maxLength
        self.min = min; self.max = max; self.integer = integer; self.unit = unit; self.options = options
        self.other = other; self.minSelected = minSelected; self.maxSelected = maxSelected; self.scale = scale
        self.labels = labels; self.fields = fields; self.repeat = `repeat`
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, type, label, help, required, requiredIf, visibleIf, cite
        case maxLength, min, max, integer, unit, options, other, minSelected, maxSelected, scale, labels, fields
        case `repeat`
    }

    static let common: Set<String> = ["id", "type", "label", "help", "required", "requiredIf", "visibleIf", "cite"]

    /// Type-specific keys allowed on each type (in addition to the common ones).
    public static func specificKeys(for type: FieldType) -> [String] {
        switch type {
        case .text, .textarea: return ["maxLength"]
        case .number: return ["min", "max", "integer", "unit"]
        case .choice: return ["options", "other"]
        case .multichoice: return ["options", "minSelected", "maxSelected"]
        case .rating: return ["scale", "labels"]
        case .group: return ["fields", "repeat"]
        default: return []
        }
    }

    /// The keys a definition may have (for readers other than `Decodable`).
    public static let keyNames = Set(CodingKeys.allCases.map(\.stringValue))
    /// For each type, the keys only other types allow (in declaration order: the first present one is reported).
    public static let keysOfOtherTypes = Dictionary(uniqueKeysWithValues: FieldType.allCases.map { type in
        let specific = Set(Field.specificKeys(for: type))
        return (type, CodingKeys.allCases.map(\.stringValue).filter { !Field.common.contains($0) && !specific.contains($0) })
    })

    public init(from decoder: any Decoder) throws {
        let present = try decoder.rejectUnknownKeys(allowed: Field.keyNames, context: "field")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(FieldType.self, forKey: .type)
        try decoder.rejectKeys(Field.keysOfOtherTypes[type] ?? [], present: present, notAllowedFor: "a field of type \(type.rawValue)")
        id = try c.decode(String.self, forKey: .id)
        label = try c.decode(String.self, forKey: .label)
        help = try c.decodeIfPresent(String.self, forKey: .help)
        required = try c.decodeIfPresent(Bool.self, forKey: .required)
        requiredIf = try c.decodeIfPresent(Condition.self, forKey: .requiredIf)
        visibleIf = try c.decodeIfPresent(Condition.self, forKey: .visibleIf)
        cite = try c.decodeIfPresent(String.self, forKey: .cite)
        maxLength = try c.decodeIfPresent(Int.self, forKey: .maxLength)
        min = try c.decodeIfPresent(Double.self, forKey: .min)
        max = try c.decodeIfPresent(Double.self, forKey: .max)
        integer = try c.decodeIfPresent(Bool.self, forKey: .integer)
        unit = try c.decodeIfPresent(String.self, forKey: .unit)
        options = try c.decodeIfPresent([String].self, forKey: .options)
        other = try c.decodeIfPresent(Bool.self, forKey: .other)
        minSelected = try c.decodeIfPresent(Int.self, forKey: .minSelected)
        maxSelected = try c.decodeIfPresent(Int.self, forKey: .maxSelected)
        scale = try c.decodeIfPresent(Int.self, forKey: .scale)
        labels = try c.decodeIfPresent([String].self, forKey: .labels)
        fields = try c.decodeIfPresent([Field].self, forKey: .fields)
        self.repeat = try c.decodeIfPresent(RepeatSpec.self, forKey: .repeat)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(type, forKey: .type)
        try c.encode(label, forKey: .label)
        try c.encodeIfPresent(help, forKey: .help)
        try c.encodeIfPresent(required, forKey: .required)
        try c.encodeIfPresent(requiredIf, forKey: .requiredIf)
        try c.encodeIfPresent(visibleIf, forKey: .visibleIf)
        try c.encodeIfPresent(cite, forKey: .cite)
        try c.encodeIfPresent(maxLength, forKey: .maxLength)
        try c.encodeIfPresent(min.map(JSONValue.number), forKey: .min)
        try c.encodeIfPresent(max.map(JSONValue.number), forKey: .max)
        try c.encodeIfPresent(integer, forKey: .integer)
        try c.encodeIfPresent(unit, forKey: .unit)
        try c.encodeIfPresent(options, forKey: .options)
        try c.encodeIfPresent(other, forKey: .other)
        try c.encodeIfPresent(minSelected, forKey: .minSelected)
        try c.encodeIfPresent(maxSelected, forKey: .maxSelected)
        try c.encodeIfPresent(scale, forKey: .scale)
        try c.encodeIfPresent(labels, forKey: .labels)
        try c.encodeIfPresent(fields, forKey: .fields)
        try c.encodeIfPresent(self.repeat, forKey: .repeat)
    }

    public var isRequired: Bool { required ?? false }
    /// Effective maximum length of text/textarea (defaults 200 / 5000).
    public var effectiveMaxLength: Int { maxLength ?? (type == .textarea ? 5000 : 200) }
    /// Effective rating scale: `labels.count` when labels are given, else `scale`, default 5.
    public var effectiveScale: Int { labels.map(\.count) ?? scale ?? 5 }
    public var isRepeating: Bool { type == .group && self.repeat != nil }
    /// Child field by id (groups).
    public func child(_ id: String) -> Field? { fields?.first { $0.id == id } }
}

/// A declared cross-field rule.
public struct Rule: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Equatable, Codable, CaseIterable { case deadline, order, atLeastOne, equalsWhen }

    public var id: String
    public var type: Kind
    public var from: String?
    public var to: String?
    public var within: Within?
    public var first: String?
    public var then: String?
    public var fields: [String]?
    public var field: String?
    public var value: JSONValue?
    public var when: Condition?
    public var message: String?
    public var cite: String?

    public init(id: String, type: Kind, from: String? = nil, to: String? = nil, within: Within? = nil,
                first: String? = nil, then: String? = nil, fields: [String]? = nil, field: String? = nil,
                value: JSONValue? = nil, when: Condition? = nil, message: String? = nil, cite: String? = nil) {
        self.id = id; self.type = type; self.from = from; self.to = to; self.within = within
        self.first = first; self.then = then; self.fields = fields; self.field = field; self.value = value
        self.when = when; self.message = message; self.cite = cite
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, type, from, to, within, first, then, fields, field, value, when, message, cite
    }

    public static func specificKeys(for kind: Kind) -> [String] {
        switch kind {
        case .deadline: return ["from", "to", "within"]
        case .order: return ["first", "then"]
        case .atLeastOne: return ["fields"]
        case .equalsWhen: return ["field", "value"]
        }
    }

    /// The keys a definition may have (for readers other than `Decodable`).
    public static let keyNames = Set(CodingKeys.allCases.map(\.stringValue))
    /// For each type, the keys only other types allow (in declaration order: the first present one is reported).
    public static let keysOfOtherTypes = Dictionary(uniqueKeysWithValues: Kind.allCases.map { type in
        let specific = Set(Rule.specificKeys(for: type))
        let common: Set<String> = ["id", "type", "when", "message", "cite"]
        return (type, CodingKeys.allCases.map(\.stringValue).filter { !common.contains($0) && !specific.contains($0) })
    })

    public init(from decoder: any Decoder) throws {
        let present = try decoder.rejectUnknownKeys(allowed: Rule.keyNames, context: "rule")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(Kind.self, forKey: .type)
        try decoder.rejectKeys(Rule.keysOfOtherTypes[type] ?? [], present: present, notAllowedFor: "a rule of type \(type.rawValue)")
        id = try c.decode(String.self, forKey: .id)
        from = try c.decodeIfPresent(String.self, forKey: .from)
        to = try c.decodeIfPresent(String.self, forKey: .to)
        within = try c.decodeIfPresent(Within.self, forKey: .within)
        first = try c.decodeIfPresent(String.self, forKey: .first)
        then = try c.decodeIfPresent(String.self, forKey: .then)
        fields = try c.decodeIfPresent([String].self, forKey: .fields)
        field = try c.decodeIfPresent(String.self, forKey: .field)
        value = c.contains(.value) ? try c.decode(JSONValue.self, forKey: .value) : nil
        when = try c.decodeIfPresent(Condition.self, forKey: .when)
        message = try c.decodeIfPresent(String.self, forKey: .message)
        cite = try c.decodeIfPresent(String.self, forKey: .cite)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(type, forKey: .type)
        try c.encodeIfPresent(from, forKey: .from)
        try c.encodeIfPresent(to, forKey: .to)
        try c.encodeIfPresent(within, forKey: .within)
        try c.encodeIfPresent(first, forKey: .first)
        try c.encodeIfPresent(then, forKey: .then)
        try c.encodeIfPresent(fields, forKey: .fields)
        try c.encodeIfPresent(field, forKey: .field)
        if let value { try c.encode(value, forKey: .value) }
        try c.encodeIfPresent(when, forKey: .when)
        try c.encodeIfPresent(message, forKey: .message)
        try c.encodeIfPresent(cite, forKey: .cite)
    }

    /// The submission path a problem of this rule is reported at (`to` / `then` / first of `fields` / `field`).
    public var reportField: String? {
        switch type {
        case .deadline: return to
        case .order: return then
        case .atLeastOne: return fields?.first
        case .equalsWhen: return field
        }
    }
}

/// `within:` of a deadline rule — exactly one of `hours: N`, `days: N`, `workingDays: N`, `sameDay: true`.
public enum Within: Sendable, Equatable, Codable {
    case hours(Int)
    case days(Int)
    case workingDays(Int)
    case sameDay

    enum Keys: String, CodingKey, CaseIterable { case hours, days, workingDays, sameDay }
    /// The keys a definition may have (for readers other than `Decodable`).
    public static let keyNames: Set<String> = ["hours", "days", "workingDays", "sameDay"]

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Within.keyNames, context: "within")
        let c = try decoder.container(keyedBy: Keys.self)
        let present = Keys.allCases.filter { c.contains($0) }
        guard present.count == 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "within needs exactly one of: hours, days, workingDays, sameDay"))
        }
        switch present[0] {
        case .hours: self = .hours(try c.decode(Int.self, forKey: .hours))
        case .days: self = .days(try c.decode(Int.self, forKey: .days))
        case .workingDays: self = .workingDays(try c.decode(Int.self, forKey: .workingDays))
        case .sameDay:
            guard try c.decode(Bool.self, forKey: .sameDay) else {
                throw DecodingError.dataCorruptedError(forKey: .sameDay, in: c, debugDescription: "sameDay must be true")
            }
            self = .sameDay
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .hours(let n): try c.encode(n, forKey: .hours)
        case .days(let n): try c.encode(n, forKey: .days)
        case .workingDays(let n): try c.encode(n, forKey: .workingDays)
        case .sameDay: try c.encode(true, forKey: .sameDay)
        }
    }

    /// Count of the bound (nil for sameDay).
    public var count: Int? {
        switch self {
        case .hours(let n), .days(let n), .workingDays(let n): return n
        case .sameDay: return nil
        }
    }
}
