import Foundation
import Testing
import Yams
@testable import HandbookCore

/// The default theme's UI strings come from its locale files; zh-CN and en have the same keys.
struct LocaleTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func keys(_ language: String) throws -> Set<String> {
        let text = try String(contentsOf: repo.appendingPathComponent("theme/locales/\(language).yml"), encoding: .utf8)
        return Set((try Yams.load(yaml: text) as? [String: String] ?? [:]).keys)
    }

    @Test func localesHaveTheSameKeys() throws {
        #expect(try Self.keys("zh-CN") == (try Self.keys("en")))
        #expect(try Self.keys("zh-CN").count >= 25)
    }

    @Test(arguments: [("en", "On this page", "lang=\"en\""), ("zh-CN", "本页目录", "lang=\"zh-CN\"")])
    func pagesUseTheConfiguredLanguage(language: String, tocLabel: String, langAttribute: String) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hb-locale-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        try "title: Handbook\nlanguage: \(language)\ntheme: \(Self.repo.appendingPathComponent("theme").path)\n"
            .write(to: root.appendingPathComponent("handbook.yml"), atomically: true, encoding: .utf8)
        try "---\ntitle: Complaints\n---\n\n## Intake\n\ntext\n\n## Reply\n\ntext\n"
            .write(to: root.appendingPathComponent("content/a.md"), atomically: true, encoding: .utf8)
        _ = try Builder(options: BuildOptions(root: root)).build()
        let html = try String(contentsOf: root.appendingPathComponent("site/a.html"), encoding: .utf8)
        #expect(html.contains(langAttribute))
        #expect(html.contains(tocLabel))
        let strings = try Yams.load(yaml: String(contentsOf: Self.repo.appendingPathComponent("theme/locales/\(language).yml"), encoding: .utf8)) as? [String: String] ?? [:]
        #expect(html.contains(strings["skipToContent"] ?? "?"))
    }

    @Test(arguments: ["", "# only a comment\n", "- a list\n"])
    func aLocaleWithoutStringsIsAnError(text: String) throws {
        let theme = FileManager.default.temporaryDirectory.appendingPathComponent("hb-theme-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: theme) }
        try FileManager.default.createDirectory(at: theme.appendingPathComponent("locales"), withIntermediateDirectories: true)
        for name in ["page", "home", "404", "search"] {
            try "{{page.title}}".write(to: theme.appendingPathComponent("\(name).mustache"), atomically: true, encoding: .utf8)
        }
        try text.write(to: theme.appendingPathComponent("locales/zh-CN.yml"), atomically: true, encoding: .utf8)
        #expect {
            try Theme.load(from: theme, language: "zh-CN", displayRoot: theme)
        } throws: { error in
            let d = (error as! BuildFailure).diagnostics
            return d.count == 1 && d[0].file == "locales/zh-CN.yml" && d[0].message == "the locale file has no strings"
        }
    }
}
