import Foundation
import Testing

/// `handbook build` / `render` on the forms-site fixture, and positioned definition errors.
struct FormsSiteBuildTests {
    @Test func buildCountsFormsAndWritesDefinitions() throws {
        let scratch = try CLI.scratch()
        defer { scratch.remove() }
        let result = try CLI.run("handbook", ["build", "--root", scratch.root.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.hasPrefix("built 2 pages, 2 checklists, 2 quizzes"), "\(result.stdout)")
        #expect(result.stderr.isEmpty)

        let definitions = try #require(try CLI.json(Data(contentsOf: scratch.root.appendingPathComponent("site/forms/definitions.json"))) as? [String: Any])
        #expect(definitions["handbookVersion"] as? String == "2025.2")
        let forms = try #require(definitions["forms"] as? [String: [String: Any]])
        #expect(Set(forms.keys) == ["complaint-record", "followup-record"])
        let complaint = try #require(forms["complaint-record"])
        let hash = try #require(complaint["hash"] as? String)
        #expect(hash.count == 64 && hash.allSatisfy(\.isHexDigit))
        // The fixture submissions were written against this definition.
        #expect(hash == (try CLI.fixture("forms/valid/complaint-ok.json")["definitionHash"] as? String))
        #expect(complaint["page"] as? String == "01-complaints.html")
        #expect((complaint["cites"] as? [String: String])?["02-service.md#第7条"] == "02-service.html#第7条")

        for id in ["complaint-record", "followup-record"] {
            let url = scratch.root.appendingPathComponent("site/forms/\(id).schema.json")
            let schema = try #require(try CLI.json(Data(contentsOf: url)) as? [String: Any], "\(id).schema.json")
            #expect(!schema.isEmpty)
        }
        let data = try scratch.read("site/assets/forms-data.js")
        #expect(data.contains("HANDBOOK.forms"))
        #expect(data.contains("\"hash\":\"\(hash)\""))
        #expect(data.contains("\"2025-10-11\""), "the calendar with 2025's adjusted working day is embedded")
        let quizzes = try scratch.read("site/assets/quizzes-data.js")
        #expect(quizzes.contains("\"service-quiz\"") && quizzes.contains("\"gift-quiz\""))
        #expect(FileManager.default.fileExists(atPath: scratch.root.appendingPathComponent("site/quizzes/02-service.html").path))
    }

    // MARK: definition errors at the right line and column

    /// A page whose fenced block starts on line 7; its YAML's first line is line 8.
    static func page(_ info: String, _ yaml: String) -> String {
        "---\ntitle: 错误示例\n---\n\n### 第1条 条款\n\n```\(info)\n\(yaml)\n```\n"
    }

    static let header = "id: x-form\ntitle: 表\nversion: 1\nfields:\n  - {id: a, type: date, label: 甲}\n"

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var info = "checklist"
        var yaml: String
        /// Expected `content/x.md:LINE:COL: error: [transform] …` prefix and a message fragment.
        var location: String
        var message: String
        var testDescription: String { name }
    }

    // Line 13 is the YAML's sixth line (block content starts on line 8); columns count characters, so 乙 is one.
    static let cases: [Case] = [
        Case(name: "bad YAML syntax", yaml: header + "  - {id: b, type: date, label: 乙\n  - {id: c, type: date, label: 丙}",
             location: "content/x.md:14:5", message: "invalid YAML"),
        Case(name: "unknown field type", yaml: header + "  - {id: b, type: datex, label: 乙}",
             location: "content/x.md:13:13", message: "`fields[1].type`"),
        Case(name: "unknown key", yaml: header + "  - {id: b, type: date, label: 乙, colour: red}",
             location: "content/x.md:13:35", message: "unknown key 'colour'"),
        Case(name: "duplicate field id", yaml: header + "  - {id: a, type: date, label: 乙}",
             location: "content/x.md:13:6", message: "duplicate field id 'a'"),
        Case(name: "condition names an unknown field", yaml: header + "  - {id: b, type: date, label: 乙, requiredIf: {field: zz, equals: true}}",
             location: "content/x.md:13:48", message: "condition names unknown field 'zz'"),
        Case(name: "min greater than max", yaml: header + "  - {id: n, type: number, label: 数, min: 5, max: 1}",
             location: "content/x.md:13:37", message: "min (5) is greater than max (1)"),
        Case(name: "cite to a missing anchor", yaml: header + "  - {id: b, type: date, label: 乙, cite: \"#第99条\"}",
             location: "content/x.md:13:41", message: "has no heading `#第99条`"),
        Case(name: "rule names an unknown field",
             yaml: header + "rules:\n  - {id: r, type: order, first: a, then: nope, message: m, cite: \"#第1条\"}",
             location: "content/x.md:14:36", message: "rule names unknown field 'nope'"),
        Case(name: "quiz answer not among options", info: "quiz",
             yaml: "id: x-quiz\ntitle: 测\nquestions:\n  - id: q1\n    type: single\n    prompt: 问？\n    options: [甲, 乙]\n    answer: 丙\n    cite: \"#第1条\"",
             location: "content/x.md:15:5", message: "answer '丙' is not among the options"),
        Case(name: "duplicate checklist id across pages", yaml: "id: followup-record\ntitle: 表\nversion: 1\nfields:\n  - {id: a, type: text, label: 甲}",
             location: "content/x.md:7:1", message: "checklist id `followup-record` is already used in content/02-service.md:10"),
    ]

    @Test(arguments: cases)
    func definitionErrorFailsTheBuild(_ c: Case) throws {
        let scratch = try CLI.scratch()
        defer { scratch.remove() }
        try scratch.write(Self.page(c.info, c.yaml), to: "content/x.md")
        let result = try CLI.run("handbook", ["build", "--root", scratch.root.path])
        #expect(result.exited && result.status == 1)
        #expect(result.stdout.isEmpty)
        let first = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasPrefix("\(c.location): error: [transform] "), "stderr: \(result.stderr)")
        #expect(first.contains(c.message), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("build failed: 1 error"), "stderr: \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.root.appendingPathComponent("site").path))
    }

    @Test func renderPrintsTheChecklistsStaticForm() throws {
        let markdown = """
            前言

            ```checklist
            id: visit-log
            title: 来访登记 <表>
            version: 3
            fields:
              - {id: who, type: text, label: 来访人, required: true, help: "写全名 & 单位"}
              - {id: mood, type: rating, label: 满意度}
              - {id: kind, type: choice, label: 类别, options: [咨询, 投诉]}
            rules:
              - {id: r1, type: atLeastOne, fields: [who, mood], message: 至少填写一项, cite: "#x"}
            ```

            """
        let result = try CLI.run("handbook", ["render", "-"], stdin: markdown)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let html = result.stdout
        #expect(html.hasPrefix("<p>前言</p>\n<section class=\"checklist\" id=\"checklist-visit-log\" data-checklist=\"visit-log\""))
        #expect(html.contains("<h3 id=\"checklist-visit-log-title\">来访登记 &lt;表&gt;</h3>"))
        #expect(html.contains("表单编号 <code>visit-log</code> · 第 3 版"))
        #expect(html.contains("<span class=\"cl-static-label\">来访人</span> <span class=\"cl-static-type\">（文本，必填）</span>"))
        #expect(html.contains("写全名 &amp; 单位"))
        #expect(html.contains("<span class=\"cl-static-options\">咨询 / 投诉</span>"))
        #expect(html.contains("<li>至少填写一项</li>"))
        #expect(html.hasSuffix("</section>\n") || html.hasSuffix("</section>"))
        #expect(!html.contains("```"))
    }

    @Test func renderReportsADefinitionErrorWithItsPosition() throws {
        let result = try CLI.run("handbook", ["render", "-"], stdin: "# T\n\n```checklist\nid: v\ntitle: t\nversion: 1\nfields:\n  - {id: a, type: nope, label: x}\n```\n")
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("<stdin>:8:13: error: [transform] checklist `fields[0].type`"), "\(result.stderr)")
    }
}
