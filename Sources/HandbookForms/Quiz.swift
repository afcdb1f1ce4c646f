// Quiz definitions: the `quiz` block of docs/blocks.md.

public struct QuizDefinition: Sendable, Equatable, Codable {
    public var id: String
    public var title: String
    /// Optional version (submissions may carry `quizVersion`).
    public var version: Int?
    public var description: String?
    /// Pass mark in percent (0…100). Defaults to 80 when omitted.
    public var passMark: Double?
    public var questions: [Question]

    public init(id: String, title: String, version: Int? = nil, description: String? = nil,
                passMark: Double? = nil, questions: [Question]) {
        self.id = id; self.title = title; self.version = version; self.description = description
        self.passMark = passMark; self.questions = questions
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case id, title, version, description, passMark, questions }
    /// The keys a definition may have (for readers other than `Decodable`).
    public static let keyNames = Set(CodingKeys.allCases.map(\.rawValue))

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: QuizDefinition.keyNames, context: "quiz")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        title = try c.decode(String.self, forKey: .title)
        version = try c.decodeIfPresent(Int.self, forKey: .version)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        passMark = try c.decodeIfPresent(Double.self, forKey: .passMark)
        questions = try c.decode([Question].self, forKey: .questions)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(title, forKey: .title)
        try c.encodeIfPresent(version, forKey: .version)
        try c.encodeIfPresent(description, forKey: .description)
        try c.encodeIfPresent(passMark.map(JSONValue.number), forKey: .passMark)
        try c.encode(questions, forKey: .questions)
    }

    public static let defaultPassMark: Double = 80
    public var effectivePassMark: Double { passMark ?? QuizDefinition.defaultPassMark }
}

public struct Question: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Equatable, Codable, CaseIterable { case single, multiple, truefalse, fill, order }

    public var id: String
    public var type: Kind
    public var prompt: String
    public var options: [String]?
    /// single: a string; multiple: list of strings; truefalse: bool; fill: list of strings; order: absent.
    public var answer: JSONValue?
    public var items: [String]?
    public var partialCredit: Bool?
    public var explanation: String?
    public var cite: String?
    public var weight: Double?

    public init(id: String, type: Kind, prompt: String, options: [String]? = nil, answer: JSONValue? = nil,
                items: [String]? = nil, partialCredit: Bool? = nil, explanation: String? = nil,
                cite: String? = nil, weight: Double? = nil) {
        self.id = id; self.type = type; self.prompt = prompt; self.options = options; self.answer = answer
        self.items = items; self.partialCredit = partialCredit; self.explanation = explanation
        self.cite = cite; self.weight = weight
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, type, prompt, options, answer, items, partialCredit, explanation, cite, weight
    }

    public static func specificKeys(for kind: Kind) -> [String] {
        switch kind {
        case .single: return ["options", "answer"]
        case .multiple: return ["options", "answer", "partialCredit"]
        case .truefalse, .fill: return ["answer"]
        case .order: return ["items"]
        }
    }

    /// The keys a definition may have (for readers other than `Decodable`).
    public static let keyNames = Set(CodingKeys.allCases.map(\.stringValue))
    /// For each type, the keys only other types allow (in declaration order: the first present one is reported).
    public static let keysOfOtherTypes = Dictionary(uniqueKeysWithValues: Kind.allCases.map { type in
        let common: Set<String> = ["id", "type", "prompt", "explanation", "cite", "weight"]
        let specific = Set(Question.specificKeys(for: type))
        return (type, CodingKeys.allCases.map(\.stringValue).filter { !common.contains($0) && !specific.contains($0) })
    })

    public init(from decoder: any Decoder) throws {
        let present = try decoder.rejectUnknownKeys(allowed: Question.keyNames, context: "question")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(Kind.self, forKey: .type)
        try decoder.rejectKeys(Question.keysOfOtherTypes[type] ?? [], present: present, notAllowedFor: "a question of type \(type.rawValue)")
        id = try c.decode(String.self, forKey: .id)
        prompt = try c.decode(String.self, forKey: .prompt)
        options = try c.decodeIfPresent([String].self, forKey: .options)
        answer = try c.decodeIfPresent(JSONValue.self, forKey: .answer)
        items = try c.decodeIfPresent([String].self, forKey: .items)
        partialCredit = try c.decodeIfPresent(Bool.self, forKey: .partialCredit)
        explanation = try c.decodeIfPresent(String.self, forKey: .explanation)
        cite = try c.decodeIfPresent(String.self, forKey: .cite)
        weight = try c.decodeIfPresent(Double.self, forKey: .weight)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(type, forKey: .type)
        try c.encode(prompt, forKey: .prompt)
        try c.encodeIfPresent(options, forKey: .options)
        try c.encodeIfPresent(answer, forKey: .answer)
        try c.encodeIfPresent(items, forKey: .items)
        try c.encodeIfPresent(partialCredit, forKey: .partialCredit)
        try c.encodeIfPresent(explanation, forKey: .explanation)
        try c.encodeIfPresent(cite, forKey: .cite)
        try c.encodeIfPresent(weight.map(JSONValue.number), forKey: .weight)
    }

    public var effectiveWeight: Double { weight ?? 1 }

    /// Answer as a list of strings (single → one; multiple/fill → list; scalars rendered as text).
    public var answerStrings: [String] {
        switch answer {
        case .array(let a)?: return a.compactMap(\.scalarText)
        case let v?: return v.scalarText.map { [$0] } ?? []
        case nil: return []
        }
    }

    /// truefalse answer (accepts a bool or the strings "true"/"false").
    public var answerBool: Bool? {
        switch answer {
        case .bool(let b)?: return b
        case .string(let s)?: return s == "true" ? true : s == "false" ? false : nil
        default: return nil
        }
    }
}
