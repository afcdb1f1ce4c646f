import Foundation
import Testing

/// `handbook export gift`, checked against the GIFT format as Moodle documents and imports it
/// (docs.moodle.org/en/GIFT_format; question/format/gift/format.php): `//` comments, `::title::`,
/// `[markdown]`, `=right ~wrong`, `~%50%` weights, `{TRUE}`/`{FALSE}`, `{=a =b}`, `{=x -> y}`, `####` general
/// feedback, and `~ = # { } :` escaped with a backslash.
struct ExportGIFTCLITests {
    static func export(_ arguments: [String]) throws -> (CLI.Output, CLI.Scratch) {
        let scratch = try CLI.scratch()
        return (try CLI.run("handbook", ["export", "gift", "--root", scratch.root.path] + arguments), scratch)
    }

    @Test func escapesSpecialCharactersTitlesCommentsAndFeedback() throws {
        let (result, scratch) = try Self.export(["--quiz", "gift-quiz"])
        defer { scratch.remove() }
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.components(separatedBy: "\n")
        #expect(lines.first == "// GIFT: 转义 {测试} (gift-quiz)", "comments are not escaped")
        let g1 = """
            // g1 — #第9条
            ::g1::[markdown]比例 1\\:2 的 \\{A\\} \\= B \\#3 \\~ 近似？ {
            \t=a\\=b
            \t~c\\~d
            \t~e\\#f
            \t~\\{g\\}
            \t####解析：见 \\#第9条 \\\\ 反斜杠
            }

            """
        #expect(result.stdout.contains(g1), "\(result.stdout)")
        #expect(result.stdout.contains("// g2 — #第9条\n::g2::[markdown]真的吗？ {TRUE}\n\n"))
        #expect(result.stdout.contains("::g3::[markdown]选出正确项 {\n\t~%50%甲\n\t~%50%乙\n"))
    }

    @Test func exportsEveryQuestionType() throws {
        let (result, scratch) = try Self.export(["--quiz", "service-quiz"])
        defer { scratch.remove() }
        #expect(result.status == 0)
        let out = result.stdout
        #expect(out.hasPrefix("// 第二章 自测 (service-quiz)\n$CATEGORY: 第二章 自测\n\n"))
        #expect(out.contains("// q1 — 01-complaints.md#第3条\n::q1::[markdown]投诉须在何时上报？ {\n\t=当日\n\t~次日\n\t~一周内\n\t####第3条规定当日上报。\n}\n"))
        #expect(out.contains("::q3::[markdown]回访可以省略。 {FALSE\n\t####第7条规定须回访。\n}\n"), "truefalse with general feedback")
        #expect(out.contains("::q4::[markdown]解决方案须在几个工作日内提出？ {\n\t=3\n\t=三\n}\n"), "short answer")
        #expect(out.contains("::q5::[markdown]排列处理步骤 {\n\t=1 -> 受理\n\t=2 -> 上报\n\t=3 -> 回访\n}\n"), "order as matching")
        #expect(out.contains("::q2::[markdown]哪些属于投诉类别？ {\n\t~%33.33333%产品质量\n\t~%33.33333%服务态度\n"))
        #expect(!out.contains("gift-quiz"))
    }

    @Test func allQuizzesRoundTripThroughAMoodleStyleParser() throws {
        let (result, scratch) = try Self.export([])
        defer { scratch.remove() }
        #expect(result.status == 0)
        let questions = GIFTReader.read(result.stdout)
        #expect(questions.map(\.name) == ["g1", "g2", "g3", "q1", "q2", "q3", "q4", "q5"])
        let byName = Dictionary(uniqueKeysWithValues: questions.map { ($0.name, $0) })
        let g1 = try #require(byName["g1"])
        #expect(g1.type == "multichoice" && g1.format == "markdown")
        #expect(g1.text == "比例 1:2 的 {A} = B #3 ~ 近似？")
        #expect(g1.answers.map(\.text) == ["a=b", "c~d", "e#f", "{g}"])
        #expect(g1.answers.map(\.fraction) == [1, 0, 0, 0])
        #expect(g1.generalFeedback == "解析：见 #第9条 \\ 反斜杠")
        #expect(byName["g2"]?.type == "truefalse" && byName["g2"]?.answers.first?.text == "TRUE")
        #expect(byName["q3"]?.type == "truefalse" && byName["q3"]?.answers.first?.text == "FALSE")
        #expect(byName["q3"]?.generalFeedback == "第7条规定须回访。")
        #expect(byName["q4"]?.type == "shortanswer" && byName["q4"]?.answers.map(\.text) == ["3", "三"])
        #expect(byName["q5"]?.type == "match" && byName["q5"]?.answers.map(\.text) == ["1 -> 受理", "2 -> 上报", "3 -> 回访"])
        for name in ["g3", "q2"] {
            let q = try #require(byName[name])
            #expect(q.type == "multichoice" && q.single == false, "\(name): multiple answers")
            let positive = q.answers.map(\.fraction).filter { $0 > 0 }.reduce(0, +)
            #expect(abs(positive - 1) < 0.0001, "\(name): right answers add up to 100%")
            for fraction in q.answers.map(\.fraction) {
                #expect(GIFTReader.moodleGrades.contains { abs($0 - abs(fraction)) < 0.00001 }, "\(name): \(fraction) is not a grade Moodle accepts")
            }
        }
    }

    /// QuizGrader gives max(0, (right picks − wrong picks) / right options); the export should make
    /// Moodle score the same way, so a wrong option must weigh −100% / (number of right options).
    @Test func wrongOptionWeightsMatchTheGradersPartialCredit() throws {
        let (result, scratch) = try Self.export(["--quiz", "service-quiz"])
        defer { scratch.remove() }
        #expect(result.stdout.contains("\t~%-33.33333%天气\n"))
    }

    /// Moodle reads `$CATEGORY:` after replacing escapes with placeholders and never restores them,
    /// and its own exporter writes the category unescaped.
    @Test func categoryIsNotEscaped() throws {
        let (result, scratch) = try Self.export(["--quiz", "gift-quiz"])
        defer { scratch.remove() }
        #expect(result.stdout.contains("\n$CATEGORY: GIFT: 转义 {测试}\n"))
    }

    @Test func outputFileAndUnknownQuiz() throws {
        let scratch = try CLI.scratch()
        defer { scratch.remove() }
        let file = scratch.dir.appendingPathComponent("quiz.gift")
        let written = try CLI.run("handbook", ["export", "gift", "--root", scratch.root.path, "--quiz", "service-quiz", "--output", file.path])
        #expect(written.status == 0)
        #expect(written.stdout.isEmpty)
        #expect(written.stderr.contains("wrote 1 quiz (5 questions)"))
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.hasPrefix("// 第二章 自测 (service-quiz)\n"))
        let all = try CLI.run("handbook", ["export", "gift", "--root", scratch.root.path])
        #expect(all.stdout.hasSuffix(text), "the single quiz equals its part of the full export")

        let unknown = try CLI.run("handbook", ["export", "gift", "--root", scratch.root.path, "--quiz", "nope"])
        #expect(unknown.exited && unknown.status == 2)
        #expect(unknown.stdout.isEmpty)
        #expect(unknown.stderr.contains("unknown quiz `nope`; this handbook's quizzes are: gift-quiz, service-quiz"))

        try scratch.write("---\ntitle: 坏\n---\n\n```quiz\nid: bad\n```\n", to: "content/x.md")
        let broken = try CLI.run("handbook", ["export", "gift", "--root", scratch.root.path])
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("content/x.md:"), "\(broken.stderr)")
    }
}

/// A reader following Moodle's qformat_gift::readquestion closely enough to check what Moodle would import.
enum GIFTReader {
    struct Answer { var text: String; var fraction: Double }
    struct Question {
        var name = "", text = "", format = "moodle", type = "", generalFeedback = ""
        var single = true
        var answers: [Answer] = []
    }

    /// Moodle's `question_bank::fraction_options_full()` (absolute values).
    static let moodleGrades: [Double] = [1, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2,
                                         0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05, 0]

    static let placeholders: [(String, String)] = [("\\:", "&&058;"), ("\\#", "&&035;"), ("\\=", "&&061;"), ("\\{", "&&123;"),
                                                   ("\\}", "&&125;"), ("\\~", "&&126;"), ("\\n", "&&010")]
    static func pre(_ s: String) -> String {
        var s = s.replacingOccurrences(of: "\\\\", with: "&&092;")
        for (escaped, placeholder) in placeholders { s = s.replacingOccurrences(of: escaped, with: placeholder) }
        return s.replacingOccurrences(of: "&&092;", with: "\\")
    }
    static func post(_ s: String) -> String {
        var s = s
        for (escaped, placeholder) in placeholders { s = s.replacingOccurrences(of: placeholder, with: escaped == "\\n" ? "\n" : String(escaped.dropFirst())) }
        return s.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func read(_ file: String) -> [Question] {
        file.components(separatedBy: "\n\n").compactMap { chunk in
            let lines = chunk.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            var text = pre(lines.map { $0.hasPrefix("//") ? " " : $0 }.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines))
            guard !text.isEmpty, !text.hasPrefix("$CATEGORY:") else { return nil }
            var q = Question()
            if text.hasPrefix("::"), let end = text.dropFirst(2).range(of: "::") {
                q.name = post(String(text[text.index(text.startIndex, offsetBy: 2)..<end.lowerBound]))
                text = String(text[end.upperBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard let open = text.firstIndex(of: "{"), let close = text.firstIndex(of: "}") else { return nil }
            var answerText = String(text[text.index(after: open)..<close]).trimmingCharacters(in: .whitespacesAndNewlines)
            var questionText = String(text[..<open])
            if questionText.hasPrefix("["), let end = questionText.firstIndex(of: "]") {
                q.format = String(questionText[questionText.index(after: questionText.startIndex)..<end])
                questionText = String(questionText[questionText.index(after: end)...])
            }
            q.text = post(questionText)
            if let gf = answerText.range(of: "####", options: .backwards) {
                q.generalFeedback = post(String(answerText[gf.upperBound...]))
                answerText = String(answerText[..<gf.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            func split(_ s: String, on c: String) -> [String] {
                s.components(separatedBy: c).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            }
            if answerText.contains("~") {
                q.type = "multichoice"
                q.single = answerText.contains("=")
                for raw in split(answerText.replacingOccurrences(of: "=", with: "~="), on: "~") {
                    var a = raw, fraction = 0.0
                    if a.hasPrefix("=") { fraction = 1; a.removeFirst() } else if a.hasPrefix("%"), let end = a.dropFirst().firstIndex(of: "%") {
                        fraction = (Double(a[a.index(after: a.startIndex)..<end]) ?? .nan) / 100
                        a = String(a[a.index(after: end)...])
                    }
                    q.answers.append(Answer(text: post(String(a.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0])), fraction: fraction))
                }
            } else if answerText.contains("="), answerText.contains("->") {
                q.type = "match"
                q.answers = split(answerText, on: "=").map { Answer(text: post($0), fraction: 1) }
            } else if ["T", "TRUE", "F", "FALSE"].contains(answerText) {
                q.type = "truefalse"
                q.answers = [Answer(text: answerText, fraction: 1)]
            } else {
                q.type = "shortanswer"
                q.answers = split(answerText, on: "=").map { Answer(text: post($0), fraction: 1) }
            }
            return q
        }
    }
}
