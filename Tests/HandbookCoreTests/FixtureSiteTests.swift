import Foundation
import Testing
@testable import HandbookCore

/// mdBook-style fixture sites: `Tests/Fixtures/sites/<case>/{handbook.yml, content, theme, expected}`.
/// Each built page's `<main>` must equal `expected/<page>`; expected files with no page fail the test.
/// Set UPDATE_EXPECTED=1 to rewrite them after an intended change.
struct FixtureSiteTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/sites")

    static func mainElement(_ html: String) -> String {
        guard let start = html.range(of: "<main"), let end = html.range(of: "</main>", options: .backwards) else { return html }
        return String(html[start.lowerBound..<end.upperBound]) + "\n"
    }

    static func build(_ name: String) throws -> (URL, BuildReport) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("hb-fixture-\(name)-\(UUID().uuidString)")
        var options = BuildOptions(root: fixtures.appendingPathComponent(name))
        options.outputOverride = output.path
        return (output, try Builder(options: options).build())
    }

    @Test func basicSiteMatchesExpected() throws {
        let (output, report) = try Self.build("basic")
        defer { try? FileManager.default.removeItem(at: output) }
        #expect(report.pages == 3)
        let expectedDir = Self.fixtures.appendingPathComponent("basic/expected")
        let built = ProjectFiles.files(under: output, withExtension: "html")
        let update = ProcessInfo.processInfo.environment["UPDATE_EXPECTED"] == "1"
        if update { try? FileManager.default.removeItem(at: expectedDir) }
        for page in built {
            let actual = Self.mainElement(try String(contentsOf: output.appendingPathComponent(page), encoding: .utf8))
            let expectedURL = expectedDir.appendingPathComponent(page)
            if update {
                try FileManager.default.createDirectory(at: expectedURL.deletingLastPathComponent(), withIntermediateDirectories: true)
                try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
                continue
            }
            let expected = try? String(contentsOf: expectedURL, encoding: .utf8)
            #expect(actual == expected, "\(page) differs from expected/\(page)")
        }
        let stale = Set(ProjectFiles.files(under: expectedDir)).subtracting(built)
        #expect(stale.isEmpty, "stale expected files: \(stale.sorted())")
    }

    @Test func sitePagesCarryCSPAndNoInlineScript() throws {
        let (output, _) = try Self.build("basic")
        defer { try? FileManager.default.removeItem(at: output) }
        for page in ProjectFiles.files(under: output, withExtension: "html") where page != "404.html" && page != "search.html" {
            let html = try String(contentsOf: output.appendingPathComponent(page), encoding: .utf8)
            #expect(html.contains("Content-Security-Policy"), "\(page) has no CSP")
            #expect(html.range(of: #"<script(?![^>]*\bsrc=)"#, options: .regularExpression) == nil, "\(page) has an inline script")
            #expect(html.range(of: #"\son[a-z]+="#, options: .regularExpression) == nil, "\(page) has an inline event handler")
            #expect(!html.contains("alert(1)</script>"))
        }
    }

    @Test(arguments: [
        ("broken-link", ["content/a.md:7:2: error: [transform] link to `missing.md`", "content/a.md:9:6: error: [transform] link to `#不存在`"]),
        ("bad-front-matter", ["content/a.md:4:1: error: [load] unknown front matter key `author`", "content/a.md:5:8: error: [load] `order`",
                              "content/b.md:2:1: error: [load] front matter has no `title`"]),
        ("bad-config", ["handbook.yml:3:1: error: [load] unknown config key `allowRawHtml`", "handbook.yml:4:11: error: [load] unsupported language `fr`"]),
    ])
    func brokenSitesFailWithPositions(name: String, expected: [String]) throws {
        do {
            _ = try Self.build(name)
            Issue.record("\(name) built without errors")
        } catch let failure as BuildFailure {
            let lines = failure.diagnostics.map(\.description)
            #expect(lines.count == expected.count)
            for prefix in expected {
                #expect(lines.contains { $0.hasPrefix(prefix) }, "missing diagnostic \(prefix) in \(lines)")
            }
        }
    }
}
