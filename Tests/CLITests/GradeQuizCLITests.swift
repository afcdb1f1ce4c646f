import Foundation
import Testing

/// `handbook-check quiz` on the hand-written answer sheets in Tests/Fixtures/submissions/quiz
/// (expected scores in `expected-quiz.json`, worked out by hand from the quiz in forms-site).
struct GradeQuizCLITests {
    static func grade(_ arguments: [String], root: URL) throws -> CLI.Output {
        try CLI.run("handbook-check", ["quiz", "--root", root.path] + arguments, in: CLI.submissions)
    }

    @Test func gradesSheetsWithScoresPassMarkAndCites() throws {
        let scratch = try CLI.scratch()
        defer { scratch.remove() }
        let result = try Self.grade(["quiz/class/alice.json", "quiz/class/bob.json", "quiz/class/carol.json"], root: scratch.root)
        #expect(result.exited && result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let lines = result.lines
        #expect(lines.contains("quiz/class/alice.json: 王小丽（E001） service-quiz 得分 100.0%（6/6） 及格（及格线 60%）"))
        #expect(lines.contains("quiz/class/bob.json: 赵大勇（E002） service-quiz 得分 50.0%（3/6） 不及格（及格线 60%）"))
        // carol's sheet carries the exam edition's hash: accepted like the self-check one.
        #expect(lines.contains("quiz/class/carol.json: 陈静（E003） service-quiz 得分 61.1%（3.66667/6） 及格（及格线 60%）"))
        let text = result.stdout
        #expect(text.contains("bob.json: 赵大勇（E002） service-quiz 得分 50.0%（3/6） 不及格（及格线 60%）\n  ✗ q1 —— 依据 第3条 <01-complaints.html#第3条>\n  ✗ q2 —— 依据 第3条 <01-complaints.html#第3条>\n  ✗ q3 —— 依据 第7条 <02-service.html#第7条>\n"))
        #expect(text.contains("carol.json: 陈静（E003） service-quiz 得分 61.1%（3.66667/6） 及格（及格线 60%）\n  ✗ q1 —— 依据 第3条 <01-complaints.html#第3条>\n  ✗ q2 —— 依据 第3条 <01-complaints.html#第3条>\n  ✗ q5 —— 依据 第7条 <02-service.html#第7条>\n"))
        #expect(lines.contains("service-quiz：3 人，及格 2 人（66.7%），平均 70.4%"))
        #expect(lines.contains("  分数分布：0–59 1，60–69 1，70–79 0，80–89 0，90–100 1"))
        #expect(lines.contains("  q1：答对率 33.3%，最常见错误答案“次日”（2 人）"))
        #expect(lines.contains("  q2：答对率 33.3%，最常见错误答案“天气”（1 人）"))
        #expect(lines.contains("  q3：答对率 66.7%，最常见错误答案“true”（1 人）"))
        #expect(lines.contains("  q4：答对率 100.0%"))
        #expect(lines.contains("  q5：答对率 66.7%，最常见错误答案“上报 → 受理 → 回访”（1 人）"))
    }

    @Test func jsonReportMatchesTheHandWorkedScores() throws {
        let scratch = try CLI.scratch()
        defer { scratch.remove() }
        let expected = try #require(try CLI.json(Data(contentsOf: CLI.submissions.appendingPathComponent("expected-quiz.json"))) as? [String: [String: Any]])
        let result = try Self.grade(["--format", "json", "quiz/class"], root: scratch.root)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try CLI.json(result.stdoutData) as? [String: Any])
        let submissions = try #require(report["submissions"] as? [[String: Any]])
        #expect(submissions.count == 3)
        #expect((report["errors"] as? [Any])?.isEmpty == true)
        for entry in submissions {
            let file = try #require(entry["file"] as? String)
            let want = try #require(expected[file], "\(file)")
            let result = try #require(entry["result"] as? [String: Any])
            let percent = try #require(result["percent"] as? Double)
            #expect(abs(percent - (want["percent"] as? Double ?? -1)) < 0.05, "\(file): \(percent)")
            #expect(result["passed"] as? Bool == want["passed"] as? Bool, "\(file)")
            let wrong = ((result["questions"] as? [[String: Any]]) ?? []).filter { $0["correct"] as? Bool == false }.compactMap { $0["id"] as? String }
            #expect(wrong == want["wrong"] as? [String], "\(file)")
        }
        let summaries = try #require(report["summaries"] as? [[String: Any]])
        let summary = try #require(summaries.first?["summary"] as? [String: Any])
        #expect(summary["count"] as? Int == 3 && summary["passedCount"] as? Int == 2)
        let items = try #require(summary["items"] as? [[String: Any]])
        let q2 = try #require(items.first { $0["id"] as? String == "q2" })
        #expect(abs((q2["correctRate"] as? Double ?? 0) - 1.0 / 3) < 1e-9)
        #expect(abs((q2["meanCredit"] as? Double ?? 0) - 5.0 / 9) < 1e-9, "alice 1, bob 0, carol 2/3")
        #expect(q2["mostChosenWrong"] as? String == "天气")
        let q4 = try #require(items.first { $0["id"] as? String == "q4" })
        #expect(q4["mostChosenWrong"] == nil && q4["correctRate"] as? Double == 1)
        #expect((summaries.first?["distribution"] as? [String: Int])?["90–100"] == 1)
    }

    @Test func csvHasBOMAndChineseIntact() throws {
        let scratch = try CLI.scratch()
        defer { scratch.remove() }
        let result = try Self.grade(["--format", "csv", "quiz/class/alice.json", "quiz/class/bob.json", "quiz/class/carol.json"], root: scratch.root)
        #expect(result.status == 0)
        #expect(Array(result.stdoutData.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: result.stdoutData.dropFirst(3), as: UTF8.self)
        let rows = text.components(separatedBy: "\r\n")
        #expect(rows.first == "测验,姓名,工号,得分,满分,百分比,是否及格,答错题目,文件")
        #expect(rows.contains("service-quiz,赵大勇,E002,3,6,50.0,不及格,q1 q2 q3,quiz/class/bob.json"))
        #expect(rows.contains("service-quiz,陈静,E003,3.66667,6,61.1,及格,q1 q2 q5,quiz/class/carol.json"))
        #expect(rows.contains("测验,题目,作答人数,答对率,平均得分率,最常见错误答案,选择人数"))
        #expect(rows.contains("service-quiz,q1,3,0.333,0.333,次日,2"))
        #expect(rows.contains("service-quiz,q5,3,0.667,0.667,上报 → 受理 → 回访,1"))
        #expect(text.hasSuffix("\r\n"))
    }

    @Test(arguments: [
        ("unknown-quiz.json", "unknown quiz `sales-quiz`; this handbook's quizzes are: gift-quiz, service-quiz"),
        ("wrong-hash.json", "definitionHash does not match quiz `service-quiz`"),
        ("unknown-question.json", "answers to unknown questions: q9"),
        ("malformed.json", "malformed JSON"),
        ("extra-keys.json", "unknown keys score; a quiz submission has"),
        ("wrong-types.json", "wrong types in the submission"),
        ("old-version.json", "quizVersion 0 does not match service-quiz version 1"),
    ])
    func tamperedSheetsExit2(name: String, message: String) throws {
        let scratch = try CLI.scratch()
        defer { scratch.remove() }
        let result = try Self.grade(["quiz/class/alice.json", "quiz/tampered/\(name)"], root: scratch.root)
        #expect(result.exited && result.status == 2)
        #expect(result.stderr.hasPrefix("quiz/tampered/\(name): error: "), "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        // The good sheet is still graded; the report says one sheet could not be.
        #expect(result.stdout.contains("quiz/class/alice.json: 王小丽（E001） service-quiz 得分 100.0%"))
        #expect(result.lines.last == "1 份答卷无法评分（见标准错误输出）")
    }

    @Test func wrongHashNamesTheAcceptedHashes() throws {
        let scratch = try CLI.scratch()
        defer { scratch.remove() }
        let selfHash = try #require(CLI.fixture("quiz/class/alice.json")["definitionHash"] as? String)
        let examHash = try #require(CLI.fixture("quiz/class/carol.json")["definitionHash"] as? String)
        #expect(selfHash != examHash)
        // The build writes the self-check hash; with --edition exam, the exam edition's.
        #expect(try CLI.run("handbook", ["build", "--root", scratch.root.path]).status == 0)
        #expect(try scratch.read("site/assets/quizzes-data.js").contains(selfHash))
        #expect(try CLI.run("handbook", ["build", "--root", scratch.root.path, "--edition", "exam"]).status == 0)
        let exam = try scratch.read("site/assets/quizzes-data.js")
        #expect(exam.contains(examHash) && !exam.contains(selfHash))
        let result = try Self.grade(["quiz/tampered/wrong-hash.json"], root: scratch.root)
        #expect(result.status == 2)
        #expect(result.stderr.contains(selfHash) && result.stderr.contains(examHash))
    }
}
