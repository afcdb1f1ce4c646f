import ArgumentParser
import Foundation
import HandbookCore
import HandbookForms

/// `handbook-check quiz`: grades exported quiz answer sheets against the answer key in content/.
struct GradeQuizCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quiz",
        abstract: "Grade quiz submissions; a class summary with item analysis for several.",
        discussion: "Exit status: 0 all graded, 2 some submission was unreadable, tampered or did not match a quiz.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv }

    @Option(name: .long, help: "The handbook project folder; the answer key is read from its content/.")
    var root: String = "."

    @Option(name: .long, help: "Report format: text, json or csv (UTF-8 with BOM, for spreadsheets).")
    var format: Format = .text

    @Argument(help: "Submission files or folders.")
    var paths: [String]

    func run() throws {
        defer { Console.flush() }
        let catalog = try DefinitionOptions.parse(["--root", root]).catalog()
        var results: [(file: String, result: QuizResult)] = []
        var errors: [(file: String, message: String)] = []
        for path in SubmissionFiles(paths) {
            switch Self.grade(path, catalog: catalog) {
            case .success(let result): results.append((path, result))
            case .failure(let error): errors.append((path, error.message))
            }
        }
        let byQuiz = Dictionary(grouping: results, by: { $0.result.quiz })
        let summaries = byQuiz.keys.sorted().map { QuizGrader.summarize(catalog.quizzes[$0]!.definition, byQuiz[$0]!.map(\.result)) }
        switch format {
        case .text: printText(results, summaries, errors, catalog)
        case .json: printJSON(results, summaries, errors)
        case .csv: printCSV(results, summaries, errors, catalog)
        }
        for error in errors { Console.error("\(error.file): error: \(error.message)") }
        if !errors.isEmpty { throw ExitCode(2) }
    }

    struct GradeError: Error { var message: String }

    static let submissionKeys: Set<String> = ["quiz", "quizVersion", "definitionHash", "name", "employeeNo", "startedAt", "finishedAt", "answers"]

    static func grade(_ path: String, catalog: DefinitionCatalog) -> Result<QuizResult, GradeError> {
        let json: JSONValue
        switch SubmissionFiles.read(path) {
        case .failure(let error): return .failure(GradeError(message: error.description))
        case .success(let value): json = value
        }
        guard case .object(let top) = json else { return .failure(GradeError(message: "a quiz submission is a JSON object, not \(json.typeName)")) }
        let unknown = top.keys.filter { !submissionKeys.contains($0) }.sorted()
        if !unknown.isEmpty { return .failure(GradeError(message: "unknown keys \(unknown.joined(separator: ", ")); a quiz submission has \(submissionKeys.sorted().joined(separator: ", "))")) }
        guard let quizID = top["quiz"]?.stringValue else { return .failure(GradeError(message: "no `quiz` id")) }
        guard let quiz = catalog.quizzes[quizID] else {
            return .failure(GradeError(message: "unknown quiz `\(quizID)`; this handbook's quizzes are: \(catalog.quizzes.keys.sorted().joined(separator: ", "))"))
        }
        let submission: QuizSubmission
        do {
            submission = try JSONDecoder().decode(QuizSubmission.self, from: JSONEncoder().encode(json))
        } catch {
            return .failure(GradeError(message: "wrong types in the submission: \(DefinitionIssue(decodingError: error).messageEN)"))
        }
        if let version = submission.quizVersion, version != (quiz.definition.version ?? 1) {
            return .failure(GradeError(message: "quizVersion \(version) does not match \(quizID) version \(quiz.definition.version ?? 1)"))
        }
        guard quiz.acceptedHashes.contains(submission.definitionHash) else {
            return .failure(GradeError(message: "definitionHash does not match quiz `\(quizID)` (expected one of \(quiz.acceptedHashes.sorted().joined(separator: ", "))); the sheet was made from another version of the quiz or altered"))
        }
        let questionIDs = Set(quiz.definition.questions.map(\.id))
        let strays = submission.answers.keys.filter { !questionIDs.contains($0) }.sorted()
        if !strays.isEmpty { return .failure(GradeError(message: "answers to unknown questions: \(strays.joined(separator: ", "))")) }
        return .success(QuizGrader.grade(quiz.definition, submission))
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value) }

    private func wrongQuestions(_ result: QuizResult, _ catalog: DefinitionCatalog) -> [(id: String, cite: String?, link: String?)] {
        let quiz = catalog.quizzes[result.quiz]!
        return result.questions.filter { !$0.correct }.map { question in
            let cite = quiz.definition.questions.first { $0.id == question.id }?.cite
            return (question.id, cite, cite.flatMap { quiz.cites[$0] })
        }
    }

    private func printText(_ results: [(file: String, result: QuizResult)], _ summaries: [ClassSummary],
                           _ errors: [(file: String, message: String)], _ catalog: DefinitionCatalog) {
        for (file, result) in results {
            Console.out("\(file): \(result.name)（\(result.employeeNo)） \(result.quiz) 得分 \(Self.percent(result.percent))"
                        + "（\(String(format: "%g", result.points))/\(String(format: "%g", result.maxPoints))）"
                        + " \(result.passed ? "及格" : "不及格")（及格线 \(String(format: "%g", result.passMark))%）")
            for wrong in wrongQuestions(result, catalog) {
                Console.out("  ✗ \(wrong.id)" + (wrong.cite.map { " —— 依据 \(Self.clauseLabel($0))" } ?? "") + (wrong.link.map { " <\($0)>" } ?? ""))
            }
        }
        for summary in summaries {
            let percents = results.filter { $0.result.quiz == summary.quiz }.map(\.result.percent)
            Console.out("\n\(summary.quiz)：\(summary.count) 人，及格 \(summary.passedCount) 人（\(Self.percent(summary.passRate * 100))），平均 \(Self.percent(summary.meanPercent))")
            Console.out("  分数分布：" + Self.distribution(percents).map { "\($0.label) \($0.count)" }.joined(separator: "，"))
            for item in summary.items {
                Console.out("  \(item.id)：答对率 \(Self.percent(item.correctRate * 100))" + (item.mostChosenWrong.map { "，最常见错误答案“\($0)”（\(item.mostChosenWrongCount) 人）" } ?? ""))
            }
        }
        if !errors.isEmpty { Console.out("\n\(errors.count) 份答卷无法评分（见标准错误输出）") }
    }

    /// `05-complaints.md#第56条` or `#第56条` → `第56条`.
    static func clauseLabel(_ cite: String) -> String {
        cite.split(separator: "#").last.map(String.init) ?? cite
    }

    static func distribution(_ percents: [Double]) -> [(label: String, count: Int)] {
        let buckets: [(String, ClosedRange<Double>)] = [("0–59", 0...59.999), ("60–69", 60...69.999), ("70–79", 70...79.999),
                                                         ("80–89", 80...89.999), ("90–100", 90...100)]
        return buckets.map { label, range in (label, percents.filter { range.contains($0) }.count) }
    }

    private func printJSON(_ results: [(file: String, result: QuizResult)], _ summaries: [ClassSummary], _ errors: [(file: String, message: String)]) {
        struct Report: Encodable {
            struct Graded: Encodable { var file: String; var result: QuizResult }
            struct Failed: Encodable { var file: String; var error: String }
            struct Summary: Encodable { var summary: ClassSummary; var distribution: [String: Int] }
            var submissions: [Graded]
            var errors: [Failed]
            var summaries: [Summary]
        }
        let report = Report(
            submissions: results.map { .init(file: $0.file, result: $0.result) },
            errors: errors.map { .init(file: $0.file, error: $0.message) },
            summaries: summaries.map { summary in
                let percents = results.filter { $0.result.quiz == summary.quiz }.map(\.result.percent)
                return .init(summary: summary, distribution: Dictionary(uniqueKeysWithValues: Self.distribution(percents).map { ($0.label, $0.count) }))
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        Console.out((try? String(decoding: encoder.encode(report), as: UTF8.self)) ?? "{}")
    }

    static func csvField(_ s: String) -> String {
        s.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    private func printCSV(_ results: [(file: String, result: QuizResult)], _ summaries: [ClassSummary],
                          _ errors: [(file: String, message: String)], _ catalog: DefinitionCatalog) {
        var lines = ["测验,姓名,工号,得分,满分,百分比,是否及格,答错题目,文件"]
        for (file, result) in results {
            let wrong = wrongQuestions(result, catalog).map(\.id).joined(separator: " ")
            lines.append([result.quiz, result.name, result.employeeNo, String(format: "%g", result.points), String(format: "%g", result.maxPoints),
                          String(format: "%.1f", result.percent), result.passed ? "及格" : "不及格", wrong, file].map(Self.csvField).joined(separator: ","))
        }
        lines.append("")
        lines.append("测验,题目,作答人数,答对率,平均得分率,最常见错误答案,选择人数")
        for summary in summaries {
            for item in summary.items {
                lines.append([summary.quiz, item.id, String(item.answered), String(format: "%.3f", item.correctRate), String(format: "%.3f", item.meanCredit),
                              item.mostChosenWrong ?? "", String(item.mostChosenWrongCount)].map(Self.csvField).joined(separator: ","))
            }
        }
        Console.write("\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n")
    }
}
