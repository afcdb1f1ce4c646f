import Foundation
import Testing

/// `handbook-check [forms]` on the hand-written submissions in Tests/Fixtures/submissions, whose expected
/// verdicts are in `expected-forms.json` (written by hand from docs/blocks.md).
struct CheckFormsCLITests {
    struct Expectation {
        var status: String
        var problems: [[String]]
        var error: String?
    }

    static func manifest() throws -> [String: Expectation] {
        let data = try Data(contentsOf: CLI.submissions.appendingPathComponent("expected-forms.json"))
        let raw = try #require(try CLI.json(data) as? [String: [String: Any]])
        return raw.mapValues { entry in
            Expectation(status: entry["status"] as? String ?? "?", problems: entry["problems"] as? [[String]] ?? [], error: entry["error"] as? String)
        }
    }

    /// `--format json` output, with each file's problems as sorted "path|rule" strings.
    struct Report {
        var files: [String: [String: Any]]
        var summary: [String: Any]
        func problems(_ file: String) -> [String] {
            ((files[file]?["problems"] as? [[String: Any]]) ?? []).map { "\($0["path"] as? String ?? "?")|\($0["rule"] as? String ?? "?")" }.sorted()
        }
    }

    static func report(_ output: CLI.Output) throws -> Report {
        let object = try #require(try CLI.json(output.stdoutData) as? [String: Any], "stdout: \(output.stdout)")
        let files = try #require(object["files"] as? [[String: Any]])
        let summary = try #require(object["summary"] as? [String: Any])
        return Report(files: Dictionary(files.map { ($0["file"] as? String ?? "?", $0) }, uniquingKeysWith: { a, _ in a }), summary: summary)
    }

    static func check(_ arguments: [String], root: URL, in directory: URL = CLI.submissions) throws -> CLI.Output {
        try CLI.run("handbook-check", ["--root", root.path, "--now", CLI.now] + arguments, in: directory)
    }

    @Test func everyFixtureGetsItsHandWrittenVerdict() throws {
        let scratch = try CLI.scratch()
        defer { scratch.remove() }
        let expected = try Self.manifest()
        let result = try Self.check(["--format", "json", "forms", "tampered"], root: scratch.root)
        #expect(result.exited && result.status == 2, "some fixtures are unreadable; stderr: \(result.stderr)")
        let report = try Self.report(result)
        #expect(Set(report.files.keys) == Set(expected.keys))
        var byRule: [String: Int] = [:]
        for (file, want) in expected.sorted(by: { $0.key < $1.key }) {
            let got = try #require(report.files[file], "\(file) missing from the report")
            #expect(got["status"] as? String == want.status, "\(file)")
            if want.status == "unreadable" {
                let error = got["error"] as? String ?? ""
                #expect(error.contains(want.error ?? "\u{0}"), "\(file): \(error)")
            } else {
                #expect(got["form"] as? String != nil)
                #expect(report.problems(file) == want.problems.map { $0.joined(separator: "|") }.sorted(), "\(file)")
                for problem in want.problems { byRule[problem[1], default: 0] += 1 }
                for problem in (got["problems"] as? [[String: Any]]) ?? [] {
                    #expect(!(problem["message"] as? String ?? "").isEmpty)
                }
            }
        }
        let s = report.summary
        #expect(s["checked"] as? Int == expected.count)
        #expect(s["valid"] as? Int == expected.values.filter { $0.status == "valid" }.count)
        #expect(s["invalid"] as? Int == expected.values.filter { $0.status == "invalid" }.count)
        #expect(s["unreadable"] as? Int == expected.values.filter { $0.status == "unreadable" }.count)
        #expect((s["byRule"] as? [String: Int]) == byRule)
    }

    @Test func validSubmissionsExitZero() throws {
        let scratch = try CLI.scratch()
        defer { scratch.remove() }
        let result = try Self.check(["forms/valid"], root: scratch.root)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.lines.filter { $0.hasSuffix(": ok (complaint-record 第2版)") }.count == 3)
        #expect(result.lines.contains("forms/valid/followup-ok.json: ok (followup-record 第1版)"))
        #expect(result.lines.last == "共检查 4 份：合格 4，不合格 0，无法读取 0")
    }

    @Test func problemLinesNameRuleMessageAndCite() throws {
        let scratch = try CLI.scratch()
        defer { scratch.remove() }
        let result = try Self.check(["forms/invalid"], root: scratch.root)
        #expect(result.exited && result.status == 1, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let lines = result.lines
        #expect(lines.contains("forms/invalid/late-solution.json: solutionAt [solution-in-3-working-days] 属于我方责任的投诉，须在受理后3个工作日内提出解决方案 —— 依据 #第4条 <01-complaints.html#第4条>"))
        #expect(lines.contains("forms/invalid/no-contact.json: phone [contact-given] 联系电话和电子邮箱至少填写一项 —— 依据 02-service.md#第7条 <02-service.html#第7条>"))
        #expect(lines.contains("forms/invalid/missing-required.json: solutionAt [required] 「解决方案提出时间」为必填项 —— 依据 #第4条 <01-complaints.html#第4条>"))
        let pattern = #"^forms/invalid/[a-z-]+\.json: [A-Za-z0-9_.\[\]]+ \[[a-z0-9-]+\] [^ ].*?( —— 依据 \S+ <\S+>)?$"#
        for line in lines.dropLast() {
            #expect(line.range(of: pattern, options: .regularExpression) != nil, "\(line)")
        }
        #expect(lines.last?.hasPrefix("共检查 10 份：合格 0，不合格 10，无法读取 0；按规则：") == true, "\(lines.last ?? "")")
    }

    @Test func englishMessages() throws {
        let scratch = try CLI.scratch()
        defer { scratch.remove() }
        let result = try Self.check(["--lang", "en", "forms/invalid/late-solution.json", "tampered/old-version.json"], root: scratch.root)
        #expect(result.status == 1)
        let lines = result.lines
        #expect(lines.first == "forms/invalid/late-solution.json: solutionAt [solution-in-3-working-days] solutionAt: rule 'solution-in-3-working-days' (deadline): solutionAt date 2025-10-13 is after 2025-10-11 (3 working days after 2025-09-30) — see #第4条 <01-complaints.html#第4条>")
        #expect(lines.contains { $0.hasPrefix("tampered/old-version.json: formVersion [option] ") && $0.contains("expected complaint-record version 2") })
        #expect(lines.last == "checked 2: 0 valid, 2 invalid, 0 unreadable; by rule: option 2, solution-in-3-working-days 1")
    }

    @Test func mismatchesSayWhichDefinitionWasExpected() throws {
        let scratch = try CLI.scratch()
        defer { scratch.remove() }
        let hash = try #require(CLI.fixture("forms/valid/complaint-ok.json")["definitionHash"] as? String)
        let result = try Self.check(["tampered/hash-mismatch.json", "tampered/old-version.json", "tampered/unknown-form.json"], root: scratch.root)
        #expect(result.status == 2)
        #expect(result.lines.contains("tampered/hash-mismatch.json: definitionHash [option] 表单定义已变更（哈希不符），请使用最新版手册重新填写（应为 \(hash)，即 complaint-record 第 2 版）"))
        #expect(result.lines.contains { $0.hasPrefix("tampered/old-version.json: formVersion [option] ") && $0.contains("当前定义：complaint-record 第 2 版，哈希 \(hash.prefix(12))") })
        #expect(result.lines.contains("tampered/unknown-form.json: error: unknown form `refund-record`; this handbook's forms are: complaint-record, followup-record"))
        #expect(result.lines.last == "共检查 3 份：合格 0，不合格 2，无法读取 1；按规则：option 3")
    }

    /// Each bad input is reported on its own with a clear reason, the process exits normally (no crash).
    @Test(arguments: [
        ("malformed.json", "{\"form\": \"complaint-record\", \"values\": {", 2, "malformed JSON"),
        ("array.json", "[1, 2, 3]", 2, "not array"),
        ("string.json", "\"complaint-record\"", 2, "not string"),
        ("empty.json", "", 2, "malformed JSON"),
        ("no-form.json", "{\"values\": {}}", 2, "no `form` id"),
        ("form-number.json", "{\"form\": 42, \"values\": {}}", 2, "no `form` id"),
        ("latin1.json", "{\"form\": \"\u{FFFD}\"}", 2, "not UTF-8"),
    ])
    func badInputIsAClearError(name: String, content: String, status: Int32, reason: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hb-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var data = Data(content.utf8)
        if name == "latin1.json" { data = Data([0x7B, 0x22, 0x66, 0x6F, 0x72, 0x6D, 0x22, 0x3A, 0x22, 0xE9, 0x22, 0x7D]) }
        try data.write(to: dir.appendingPathComponent(name))
        let scratch = try CLI.scratch()
        defer { scratch.remove() }
        let result = try Self.check([name], root: scratch.root, in: dir)
        #expect(result.exited, "crashed: \(result.stderr)")
        #expect(result.status == status)
        #expect(result.lines.first?.hasPrefix("\(name): error: ") == true, "\(result.stdout)")
        #expect(result.lines.first?.contains(reason) == true, "\(result.stdout)")
        #expect(result.lines.last == "共检查 1 份：合格 0，不合格 0，无法读取 1")
    }

    @Test func threeMegabyteFileIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hb-big-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var submission = try CLI.fixture("forms/valid/complaint-ok.json")
        var values = try #require(submission["values"] as? [String: Any])
        values["note"] = String(repeating: "很长的备注", count: 3 * 1024 * 1024 / 15)
        submission["values"] = values
        let data = try JSONSerialization.data(withJSONObject: submission)
        #expect(data.count > 3_000_000)
        try data.write(to: dir.appendingPathComponent("big.json"))
        let scratch = try CLI.scratch()
        defer { scratch.remove() }
        let result = try Self.check(["big.json"], root: scratch.root, in: dir)
        #expect(result.exited && result.status == 2)
        #expect(result.lines.first == "big.json: error: 文件过大：2097153 字节，上限 2097152 字节 (the file is too large for a submission)", "\(result.stdout)")
    }

    @Test func missingFileAndUsageErrors() throws {
        let scratch = try CLI.scratch()
        defer { scratch.remove() }
        let missing = try Self.check(["no/such/file.json"], root: scratch.root)
        #expect(missing.status == 2)
        #expect(missing.lines.first == "no/such/file.json: error: 无法读取文件 (cannot read the file)")
        let none = try CLI.run("handbook-check", ["--root", scratch.root.path])
        #expect(none.status == 64)
        #expect(none.stderr.contains("Missing expected argument"))
        let badFormat = try Self.check(["--format", "xml", "forms"], root: scratch.root)
        #expect(badFormat.status == 64)
        let noSite = try CLI.run("handbook-check", ["--root", scratch.dir.appendingPathComponent("nowhere").path, "forms"], in: CLI.submissions)
        #expect(noSite.exited && noSite.status == 2)
        #expect(noSite.stderr.contains("handbook-check: cannot read the definitions"))
        let badDefinitions = try CLI.run("handbook-check", ["--definitions", CLI.submissions.appendingPathComponent("forms/valid/complaint-ok.json").path, "forms"], in: CLI.submissions)
        #expect(badDefinitions.exited && badDefinitions.status == 2)
        #expect(badDefinitions.stderr.contains("not a definitions file"), "\(badDefinitions.stderr)")
    }

    @Test func builtDefinitionsGiveTheSameVerdicts() throws {
        let scratch = try CLI.scratch()
        defer { scratch.remove() }
        #expect(try CLI.run("handbook", ["build", "--root", scratch.root.path]).status == 0)
        let fromContent = try Self.check(["--format", "json", "forms", "tampered"], root: scratch.root)
        let fromFile = try CLI.run("handbook-check", ["--definitions", scratch.root.appendingPathComponent("site/forms/definitions.json").path,
                                                      "--now", CLI.now, "--format", "json", "forms", "tampered"], in: CLI.submissions)
        #expect(fromFile.status == fromContent.status)
        let a = try Self.report(fromContent), b = try Self.report(fromFile)
        #expect(Set(a.files.keys) == Set(b.files.keys))
        for file in a.files.keys {
            #expect(a.files[file]?["status"] as? String == b.files[file]?["status"] as? String, "\(file)")
            #expect(a.problems(file) == b.problems(file), "\(file)")
            let messages = { (r: Report) in ((r.files[file]?["problems"] as? [[String: Any]]) ?? []).compactMap { $0["message"] as? String }.sorted() }
            #expect(messages(a) == messages(b), "\(file)")
        }
        #expect(NSDictionary(dictionary: a.summary).isEqual(to: b.summary))
    }

    @Test func twoThousandGeneratedSubmissions() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hb-many-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = try CLI.fixture("forms/valid/complaint-ok.json")
        var valid = 0, invalid = 0, unreadable = 0, late = 0, unknown = 0
        for i in 0..<2000 {
            let sub = dir.appendingPathComponent("batch-\(i % 7)")
            if i < 7 { try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true) }
            let url = sub.appendingPathComponent(String(format: "s%04d.json", i))
            if i % 50 == 49 {
                try Data("{\"form\": \"complaint-record\", ".utf8).write(to: url); unreadable += 1; continue
            }
            var submission = base
            var values = try #require(submission["values"] as? [String: Any])
            values["note"] = "第 \(i) 份"
            if i % 3 == 0 { values["solutionAt"] = "2025-10-13T09:00:00+08:00"; late += 1 }
            if i % 5 == 0 { values["nickname"] = "x"; unknown += 1 }
            if i % 3 == 0 || i % 5 == 0 { invalid += 1 } else { valid += 1 }
            submission["values"] = values
            try JSONSerialization.data(withJSONObject: submission).write(to: url)
        }
        try Data("not a submission".utf8).write(to: dir.appendingPathComponent("README.txt"))
        let scratch = try CLI.scratch()
        defer { scratch.remove() }
        let result = try Self.check(["--format", "json", dir.path], root: scratch.root)
        #expect(result.exited && result.status == 2)
        let report = try Self.report(result)
        #expect(report.files.count == 2000)
        #expect(report.summary["checked"] as? Int == 2000)
        #expect(report.summary["valid"] as? Int == valid)
        #expect(report.summary["invalid"] as? Int == invalid)
        #expect(report.summary["unreadable"] as? Int == unreadable)
        #expect((report.summary["byRule"] as? [String: Int]) == ["solution-in-3-working-days": late, "unknown": unknown])

        let text = try Self.check([dir.path], root: scratch.root)
        #expect(text.lines.last == "共检查 2000 份：合格 \(valid)，不合格 \(invalid)，无法读取 \(unreadable)；按规则：solution-in-3-working-days \(late), unknown \(unknown)")
    }
}
