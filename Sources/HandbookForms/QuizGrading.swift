// Quiz grading (pure), class summaries with item analysis, and Moodle GIFT export.

/// What a finished quiz page exports.
public struct QuizSubmission: Sendable, Equatable, Codable {
    public var quiz: String
    public var quizVersion: Int?
    public var definitionHash: String
    public var name: String
    public var employeeNo: String
    public var startedAt: String
    public var finishedAt: String
    public var answers: [String: JSONValue]

    public init(quiz: String, quizVersion: Int? = nil, definitionHash: String, name: String, employeeNo: String,
                startedAt: String, finishedAt: String, answers: [String: JSONValue]) {
        self.quiz = quiz; self.quizVersion = quizVersion; self.definitionHash = definitionHash; self.name = name
        self.employeeNo = employeeNo; self.startedAt = startedAt; self.finishedAt = finishedAt; self.answers = answers
    }
}

public struct QuestionResult: Sendable, Equatable, Codable {
    public var id: String
    /// Fully correct.
    public var correct: Bool
    /// Fraction of the weight earned, 0…1 (partial credit for `multiple` when enabled).
    public var credit: Double
    public var points: Double
    public var maxPoints: Double
    /// The submitted answer (nil when unanswered).
    public var given: JSONValue?
}

public struct QuizResult: Sendable, Equatable, Codable {
    public var quiz: String
    public var name: String
    public var employeeNo: String
    public var points: Double
    public var maxPoints: Double
    /// 0…100.
    public var percent: Double
    public var passMark: Double
    public var passed: Bool
    public var questions: [QuestionResult]
    /// Answer keys that are not questions of this quiz, and envelope mismatches (quiz id, version).
    public var notes: [String]
}

public struct ItemAnalysis: Sendable, Equatable, Codable {
    public var id: String
    public var answered: Int
    /// Share of all results that got this question fully right (0…1).
    public var correctRate: Double
    /// Mean credit (0…1).
    public var meanCredit: Double
    /// The most chosen wrong answer (option text, `true`/`false`, normalised fill text, or an order
    /// joined with " → "); ties broken by the text. nil when nobody answered wrongly.
    public var mostChosenWrong: String?
    public var mostChosenWrongCount: Int
}

public struct ClassSummary: Sendable, Equatable, Codable {
    public var quiz: String
    public var count: Int
    public var passedCount: Int
    public var passRate: Double
    public var meanPercent: Double
    public var items: [ItemAnalysis]
}

/// Normalises a fill-in answer: full-width ASCII → half-width (U+FF01–FF5E, U+3000 ideographic space),
/// all whitespace removed, case-folded (lowercased).
public func normalizeFill(_ s: String) -> String {
    var scalars = String.UnicodeScalarView()
    for u in s.unicodeScalars {
        var v = u.value
        if v >= 0xFF01, v <= 0xFF5E { v -= 0xFEE0 } else if v == 0x3000 { v = 0x20 }
        let c = Unicode.Scalar(v) ?? u
        if c.properties.isWhitespace { continue }
        scalars.append(c)
    }
    return String(scalars).lowercased()
}

public enum QuizGrader {
    /// Grades one submission. Unanswered questions earn 0.
    ///
    /// Scoring: single — the option text; multiple — the set of chosen options equals the answer set
    /// (with `partialCredit: true`: credit = max(0, (right picks − wrong picks) / number of right options));
    /// truefalse — `true`/`false` (the strings "true"/"false" are accepted too); fill — the normalised text
    /// (see `normalizeFill`) equals a normalised accepted answer; order — the array equals `items` exactly.
    public static func grade(_ quiz: QuizDefinition, _ submission: QuizSubmission) -> QuizResult {
        var notes: [String] = []
        if submission.quiz != quiz.id { notes.append("quiz '\(submission.quiz)' does not match '\(quiz.id)'") }
        if let v = submission.quizVersion, let qv = quiz.version, v != qv { notes.append("quizVersion \(v) does not match \(qv)") }
        let ids = Set(quiz.questions.map(\.id))
        for k in submission.answers.keys.sorted() where !ids.contains(k) { notes.append("unknown question '\(k)'") }
        var results: [QuestionResult] = []
        var points = 0.0, maxPoints = 0.0
        for q in quiz.questions {
            let given = submission.answers[q.id].flatMap { $0 == .null ? nil : $0 }
            let credit = given.map { self.credit(q, $0) } ?? 0
            let w = q.effectiveWeight
            results.append(QuestionResult(id: q.id, correct: credit >= 1, credit: credit, points: credit * w, maxPoints: w, given: given))
            points += credit * w
            maxPoints += w
        }
        let percent = maxPoints > 0 ? points / maxPoints * 100 : 0
        let pm = quiz.effectivePassMark
        return QuizResult(quiz: quiz.id, name: submission.name, employeeNo: submission.employeeNo, points: points,
                          maxPoints: maxPoints, percent: percent, passMark: pm, passed: percent + 1e-9 >= pm,
                          questions: results, notes: notes)
    }

    /// Credit 0…1 for one answer.
    public static func credit(_ q: Question, _ given: JSONValue) -> Double {
        switch q.type {
        case .single:
            return given.stringValue != nil && given.stringValue == q.answer?.scalarText ? 1 : 0
        case .multiple:
            guard let arr = given.arrayValue else { return 0 }
            let chosen = Set(arr.compactMap(\.stringValue))
            let right = Set(q.answerStrings)
            if chosen == right, chosen.count == arr.count { return 1 }
            guard q.partialCredit == true, !right.isEmpty else { return 0 }
            let hits = chosen.intersection(right).count, misses = chosen.subtracting(right).count
            return max(0, Double(hits - misses) / Double(right.count))
        case .truefalse:
            let b: Bool? = given.boolValue ?? (given.stringValue == "true" ? true : given.stringValue == "false" ? false : nil)
            return b != nil && b == q.answerBool ? 1 : 0
        case .fill:
            guard let s = given.scalarText else { return 0 }
            let n = normalizeFill(s)
            return !n.isEmpty && q.answerStrings.contains { normalizeFill($0) == n } ? 1 : 0
        case .order:
            guard let arr = given.arrayValue else { return 0 }
            return arr.map(\.stringValue) == (q.items ?? []).map(Optional.some) ? 1 : 0
        }
    }

    /// Class summary over graded results of one quiz.
    public static func summarize(_ quiz: QuizDefinition, _ results: [QuizResult]) -> ClassSummary {
        let n = results.count
        var items: [ItemAnalysis] = []
        for q in quiz.questions {
            var answered = 0, correct = 0, creditSum = 0.0
            var wrong: [String: Int] = [:]
            for r in results {
                guard let qr = r.questions.first(where: { $0.id == q.id }) else { continue }
                creditSum += qr.credit
                guard let g = qr.given else { continue }
                answered += 1
                if qr.correct { correct += 1; continue }
                for w in wrongChoices(q, g) { wrong[w, default: 0] += 1 }
            }
            let top = wrong.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }
            items.append(ItemAnalysis(id: q.id, answered: answered, correctRate: n > 0 ? Double(correct) / Double(n) : 0,
                                      meanCredit: n > 0 ? creditSum / Double(n) : 0,
                                      mostChosenWrong: top?.key, mostChosenWrongCount: top?.value ?? 0))
        }
        let passed = results.filter(\.passed).count
        return ClassSummary(quiz: quiz.id, count: n, passedCount: passed, passRate: n > 0 ? Double(passed) / Double(n) : 0,
                            meanPercent: n > 0 ? results.map(\.percent).reduce(0, +) / Double(n) : 0, items: items)
    }

    /// The wrong choices in an incorrect answer (for item analysis).
    static func wrongChoices(_ q: Question, _ g: JSONValue) -> [String] {
        switch q.type {
        case .single: return g.scalarText.map { [$0] } ?? []
        case .multiple:
            let right = Set(q.answerStrings)
            return Array(Set((g.arrayValue ?? []).compactMap(\.stringValue)).subtracting(right)).sorted()
        case .truefalse: return g.scalarText.map { [$0] } ?? []
        case .fill: return g.scalarText.map { [normalizeFill($0)] } ?? []
        case .order: return [(g.arrayValue ?? []).compactMap(\.scalarText).joined(separator: " → ")]
        }
    }
}

/// Moodle GIFT export.
public enum GIFT {
    /// Escapes GIFT's special characters `~ = # { } :` (and the backslash itself) with a backslash.
    public static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "~", "=", "#", "{", "}", ":", "\\": out.append("\\"); out.append(c)
            case "\n": out.append("\\n")
            default: out.append(c)
            }
        }
        return out
    }

    /// The whole quiz as GIFT text (one question per paragraph, `[markdown]` prompts, explanations as
    /// general feedback). `order` questions become matching questions (position → item).
    public static func export(_ quiz: QuizDefinition) -> String {
        // Moodle reads the category name raw (no escapes) and splits it at "/", so neither is used there.
        let category = quiz.title.replacingOccurrences(of: "/", with: "／").replacingOccurrences(of: "\n", with: " ")
        var out = "// \(quiz.title) (\(quiz.id))\n$CATEGORY: \(category)\n\n"
        for q in quiz.questions {
            out += "// \(q.id)\(q.cite.map { " — " + $0 } ?? "")\n"
            out += "::\(escape(q.id))::[markdown]\(escape(q.prompt)) {"
            let right = Set(q.answerStrings)
            switch q.type {
            case .single:
                for o in q.options ?? [] { out += "\n\t\(right.contains(o) ? "=" : "~")\(escape(o))" }
            case .multiple:
                let opts = q.options ?? []
                // Each wrong pick takes away what a right pick gives, as QuizGrader's partial credit does.
                let k = max(1, right.count)
                if q.partialCredit != true { out += "\n\t// 手册中本题全对才得分；Moodle 按比例计分" }
                for o in opts {
                    let pct = right.contains(o) ? 100.0 / Double(k) : -100.0 / Double(k)
                    out += "\n\t~%\(percent(pct))%\(escape(o))"
                }
            case .truefalse:
                out += q.answerBool == true ? "TRUE" : "FALSE"
            case .fill:
                for a in q.answerStrings { out += "\n\t=\(escape(a))" }
            case .order:
                for (i, item) in (q.items ?? []).enumerated() { out += "\n\t=\(i + 1) -> \(escape(item))" }
            }
            if let e = q.explanation, !e.isEmpty { out += "\n\t####\(escape(e))" }
            out += q.type == .truefalse && (q.explanation ?? "").isEmpty ? "}\n\n" : "\n}\n\n"
        }
        return out
    }

    static func percent(_ p: Double) -> String {
        if p.rounded() == p { return String(Int(p)) }
        let scaled = (p * 100000).rounded() / 100000
        return String(scaled)
    }
}
