import Foundation
import Testing
import Yams
@testable import HandbookCore

/// Front matter is read by `KeyValueLines` when it can be, by Yams otherwise. Whatever `KeyValueLines`
/// accepts must come out as Yams composes it, and `FrontMatter.parse` must give the same page or the same
/// diagnostics either way.
struct KeyValueLinesTests {
    /// Yams' entries for `yaml`, described field by field.
    static func yamsEntries(_ yaml: String) -> String? {
        guard let root = try? Yams.compose(yaml: yaml), case .mapping = root else { return nil }
        return describe(YAMLMapping(node: root).entries)
    }

    static func describe(_ entries: [YAMLEntry]) -> String {
        entries.map { entry in
            let scalar = entry.value.scalar
            return "\(entry.key)@\(entry.keyPosition) = \(scalar.map { "\($0.string)|\($0.style)|\($0.tag.rawValue)" } ?? "?")"
                + "@\(entry.valuePosition) null=\(entry.value.isNull) int=\(entry.value.int as Any) string=\(entry.value.string as Any)"
        }.joined(separator: "\n")
    }

    /// The page, or its diagnostics.
    static func page(_ yaml: String) -> String {
        do { return "\(try FrontMatter.parse(yaml, file: "content/a.md"))" } catch { return "\(error.diagnostics)" }
    }

    /// A final comment line changes nothing for YAML but sends the text to Yams.
    static func pageFromYams(_ yaml: String) -> String {
        #expect(KeyValueLines.parse(yaml + "\n# Yams") == nil)
        return page(yaml + "\n# Yams")
    }

    static let accepted = [
        "title: 第2901页 间工核激\norder: 2900\nsummary: 督部满意修保流交解决进监。",
        "title: 投诉\norder: 5\nid: complaints\nsummary: 摘要\nowner: 客服部\neffective: 2025-01-01\nversion: \"1.2\"",
        "title:   多个空格   \n\norder: 017\n   \nversion: '2025.1'",
        "title: \"\"\norder: 0x1F",
        "title: '  '\norder: 1_000",
        "title: ~\norder: 12",
        "title: null\norder: +3",
        "title: a#b, [c] {d} e:f\norder: 1:30",
        "title: it's \"quoted\" inside\norder: 3.0",
        "title: 页\nauthor: 张三\neffective: 2025/01/01",
        "title: 页\nyes: 1\nTitle: x\na-b_c: d",
        "title: 页\nid: 9lives\norder: yes",
        "title: 页\neffective: ２０２５-01-01",
        "title: 😀 emoji\nsummary: \u{00A0}nbsp",
    ]

    @Test func acceptedLinesAreWhatYamsComposes() throws {
        for yaml in Self.accepted {
            let entries = try #require(KeyValueLines.parse(yaml), "read directly:\n\(yaml)")
            #expect(Self.describe(entries) == Self.yamsEntries(yaml), "\(yaml)")
            #expect(Self.page(yaml) == Self.pageFromYams(yaml), "\(yaml)")
        }
    }

    @Test func everythingElseIsLeftToYams() {
        let rejected = [
            "", "\n\n", "# comment\ntitle: x", "title: x # comment", "title: a: b", "title: a:", "title:", "title:   ",
            "title:x", "title : x", "title:\tx", "title: x\t", "title: x\r", "title: x\n  continued", "title: x\n- y",
            "title: x\ntitle: y", "title: \"a\\nb\"", "title: 'it''s'", "title: \"open", "title: \"a\" b", "title: 'a' # c",
            "title: - x", "order: -1", "title: ? x", "title: : x", "title: [a]", "title: {a: 1}", "title: &a x", "title: *a", "title: !t x",
            "title: |", "title: >", "title: %x", "title: @x", "title: `x`", "title: ,x", "title: #x",
            "title: x\u{85}y", "title: x\u{2028}y", "title: x\u{2029}y", "title: \u{FEFF}x", "title: x\u{7F}", "title: x\u{9F}",
            "title: x\u{FFFE}", "\"title\": x", "'title': x", "1: x", "-: x", "_a: x", "? title\n: x", "%YAML 1.1\n---\ntitle: x",
            "--- \ntitle: x", "title: x\n...", String(repeating: "k", count: 200) + ": x",
        ]
        for yaml in rejected {
            #expect(KeyValueLines.parse(yaml) == nil, "left to Yams: \(yaml.debugDescription)")
        }
    }

    /// Random lines from pieces YAML reads in surprising ways: whatever is read directly is what Yams
    /// composes, and the page or its diagnostics are the same.
    @Test func randomLinesReadAsYamsDoes() {
        let keys = ["title", "order", "id", "summary", "owner", "effective", "version", "author", "Title", "yes", "a-b", "x1"]
        let separators = [": ", ":  ", ":", " : ", ":\t"]
        let values = ["第1页", "a: b", "a #b", "a#b", "'q'", "\"dq\"", "\"a\\nb\"", "'it''s'", "~", "null", "", "  ", "5", "05",
                      "0x10", "1_000", "-1", "+1", "1:30", "2025-01-01", "2025/01/01", "[a]", "{a: 1}", "- a", "&a x", "*a",
                      "!x y", "|", ">", "%x", "@x", "`x`", "\u{85}x", "x\u{2028}", "\u{FEFF}x", "中文：冒号", "a,b", "?x",
                      ":x", "x:", "x: ", "\"a\" b", "'a' ", "\"\"", "C#", "yes", "Off", "3.5", " lead", "trail  ", "ab1", "a-b"]
        let extras = ["", "   ", "# note", "  indented", "- item", "---", "..."]
        var random = SplitMix(seed: 7)
        var direct = 0
        for _ in 0..<4000 {
            var lines: [String] = []
            for _ in 0..<(1 + random.next(5)) {
                if random.next(8) == 0 {
                    lines.append(extras[random.next(extras.count)])
                } else {
                    lines.append(keys[random.next(keys.count)] + separators[random.next(separators.count)] + values[random.next(values.count)])
                }
            }
            let yaml = lines.joined(separator: "\n")
            guard let entries = KeyValueLines.parse(yaml) else { continue }
            direct += 1
            #expect(Self.describe(entries) == Self.yamsEntries(yaml), "\(yaml.debugDescription)")
            #expect(Self.page(yaml) == Self.pageFromYams(yaml), "\(yaml.debugDescription)")
        }
        #expect(direct > 150, "many random texts are read directly")
    }

    @Test func wholeNumbersReadAsYamsDoes() {
        for text in ["0", "7", "12", "2900", "017", "0x1F", "0o17", "0b101", "1_000", "+3", "-4", "1:30", "99999999999999999999", "", "1.0", "x"] {
            for node in [Node(text, Tag(.implicit), .plain), Node(text, Tag(.str), .doubleQuoted), Node(text, Tag(.implicit), .any)] {
                #expect(node.wholeNumber == node.int, "\(text)")
            }
        }
    }

    @Test func frontMatterDiagnosticsKeepTheirPositions() {
        #expect(Self.page("title: 页\nauthor: 张三\neffective: 2025/01/01") == "\([Diagnostic(stage: .load, file: "content/a.md", line: 3, column: 1, message: "unknown front matter key `author`", hint: "allowed keys: title, order, id, summary, owner, effective, version"), Diagnostic(stage: .load, file: "content/a.md", line: 4, column: 12, message: "`effective` must be a date YYYY-MM-DD", hint: "e.g. `effective: 2025-01-01`")])")
        #expect(Self.page("title:   ' '\norder: 0x") == "\([Diagnostic(stage: .load, file: "content/a.md", line: 2, column: 10, message: "`title` must not be empty"), Diagnostic(stage: .load, file: "content/a.md", line: 3, column: 8, message: "`order` must be a whole number", hint: "e.g. `order: 3`")])")
        #expect(Self.page("order: 2\nid: 页") == "\([Diagnostic(stage: .load, file: "content/a.md", line: 3, column: 5, message: "page id `页` must be ASCII letters, digits, - or _, starting with a letter"), Diagnostic(stage: .load, file: "content/a.md", line: 2, message: "front matter has no `title`", hint: "add `title: 页面标题`")])")
    }
}
