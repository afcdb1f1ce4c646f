import Foundation
import Testing

/// Runs the built `handbook` and `handbook-check` binaries and checks stdout, stderr and exit status.
struct CLITests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["HANDBOOK_BIN"] { return URL(fileURLWithPath: dir) }
        // The test bundle sits next to the executables in .build/<triple>/<configuration>/.
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ tool: String, _ arguments: [String], stdin: String? = nil, in directory: URL? = nil) throws -> Result {
        let output = try CLI.run(tool, arguments, in: directory, stdin: stdin)
        return Result(status: output.status, stdout: output.stdout, stderr: output.stderr)
    }

    /// A scratch copy of the fixture sites (so builds can write `site/` and tests can tamper with files).
    static func scratchSites() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hb-cli-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: repo.appendingPathComponent("Tests/Fixtures/sites"), to: dir)
        return dir
    }

    @Test func buildPrintsSummaryAndWritesSite() throws {
        let sites = try Self.scratchSites()
        defer { try? FileManager.default.removeItem(at: sites) }
        let result = try Self.run("handbook", ["build", "--root", sites.appendingPathComponent("basic").path, "--verbose"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("built 3 pages"))
        for stage in ["load", "parse", "transform", "render", "index", "emit"] {
            #expect(result.stderr.contains("] \(stage)"), "no timing for \(stage)")
        }
        #expect(FileManager.default.fileExists(atPath: sites.appendingPathComponent("basic/site/guide/detail.html").path))
    }

    @Test(arguments: ["broken-link", "bad-front-matter", "bad-config"])
    func failedBuildLeavesPreviousSiteUntouched(name: String) throws {
        let sites = try Self.scratchSites()
        defer { try? FileManager.default.removeItem(at: sites) }
        let root = sites.appendingPathComponent(name)
        let previous = root.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: previous, withIntermediateDirectories: true)
        try "earlier build".write(to: previous.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)

        let result = try Self.run("handbook", ["build", "--root", root.path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.range(of: #"^(content/[a-z.]+|handbook\.yml):\d+:\d+: error: \[load|transform\]"#,
                                    options: .regularExpression) != nil, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("previous site was left unchanged"))
        #expect(try String(contentsOf: previous.appendingPathComponent("index.html"), encoding: .utf8) == "earlier build")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix(".site") }
        #expect(leftovers.isEmpty)
    }

    @Test func successfulBuildReplacesPreviousSite() throws {
        let sites = try Self.scratchSites()
        defer { try? FileManager.default.removeItem(at: sites) }
        let root = sites.appendingPathComponent("basic")
        let stale = root.appendingPathComponent("site/stale.html")
        try FileManager.default.createDirectory(at: stale.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "old".write(to: stale, atomically: true, encoding: .utf8)
        #expect(try Self.run("handbook", ["build", "--root", root.path]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: stale.path))
    }

    /// The retired output is kept as `.site.previous` and reused as the next staging folder: files are
    /// overwritten, and what the new build did not write is removed.
    @Test func rebuildsReuseThePreviousOutputWithoutLeavingStaleFiles() throws {
        let sites = try Self.scratchSites()
        defer { try? FileManager.default.removeItem(at: sites) }
        let root = sites.appendingPathComponent("basic")
        let extra = root.appendingPathComponent("content/extra.md")
        try "---\ntitle: 临时页\n---\n\n临时内容。\n".write(to: extra, atomically: true, encoding: .utf8)
        #expect(try Self.run("handbook", ["build", "--root", root.path]).status == 0)
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("site/extra.html").path))

        try FileManager.default.removeItem(at: extra)
        #expect(try Self.run("handbook", ["build", "--root", root.path]).status == 0)
        let previous = root.appendingPathComponent(".site.previous")
        #expect(FileManager.default.fileExists(atPath: previous.appendingPathComponent("extra.html").path))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("site/extra.html").path))

        // Whatever lies in the reused folder is gone after the next build, unless the build writes it again.
        try "junk".write(to: previous.appendingPathComponent("junk.html"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: previous.appendingPathComponent("old/deeper"), withIntermediateDirectories: true)
        try "junk".write(to: previous.appendingPathComponent("old/deeper/x.html"), atomically: true, encoding: .utf8)
        try "changed".write(to: previous.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        let before = try Data(contentsOf: root.appendingPathComponent("site/index.html"))
        #expect(try Self.run("handbook", ["build", "--root", root.path]).status == 0)
        let site = root.appendingPathComponent("site")
        #expect(!FileManager.default.fileExists(atPath: site.appendingPathComponent("junk.html").path))
        #expect(!FileManager.default.fileExists(atPath: site.appendingPathComponent("old").path))
        #expect(try Data(contentsOf: site.appendingPathComponent("index.html")) == before)
        #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("assets/search-index.js").path))
        let hidden = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix(".site") }
        #expect(hidden == [".site.previous"])
    }

    @Test func renderIsLikeCmarkWithHeadingIDs() throws {
        let markdown = "# 投诉处理\n\n<div>raw</div>\n\n*强调* [链接](https://example.com)\n"
        let safe = try Self.run("handbook", ["render", "-"], stdin: markdown)
        #expect(safe.status == 0)
        #expect(safe.stdout == "<h1 id=\"投诉处理\">投诉处理</h1>\n<!-- raw HTML omitted -->\n<p><em>强调</em> <a href=\"https://example.com\">链接</a></p>\n")
        let trusted = try Self.run("handbook", ["render", "--trusted", "-"], stdin: markdown)
        #expect(trusted.stdout.contains("<div>raw</div>"))
    }

    /// Hostile nesting is a positioned error, never a stack overflow.
    @Test(arguments: [
        (String(repeating: "> ", count: 5000) + "深", "<stdin>:1:"),
        ((0..<400).map { String(repeating: "  ", count: $0) + "- 项" }.joined(separator: "\n"), "<stdin>:"),
        (String(repeating: "*", count: 20000) + "x" + String(repeating: "*", count: 20000), "<stdin>:1:1:"),
    ])
    func deepNestingIsAnErrorNotACrash(markdown: String, prefix: String) throws {
        let result = try Self.run("handbook", ["render", "-"], stdin: markdown)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix(prefix) && result.stderr.contains("error: [parse] the text nests more than 128 levels deep"), "\(result.stderr)")
    }

    @Test func yamlAliasBombIsRefused() throws {
        let levels = ["a: &a [x,x,x,x,x,x,x,x,x]"] + (1..<8).map { i -> String in
            let prev = Character(UnicodeScalar(96 + i)!), name = Character(UnicodeScalar(97 + i)!)
            return "\(name): &\(name) [" + Array(repeating: "*\(prev)", count: 9).joined(separator: ",") + "]"
        }
        let result = try Self.run("handbook", ["render", "-"], stdin: "```checklist\n" + levels.joined(separator: "\n") + "\n```\n")
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: [transform]"))
    }

    @Test func renderMissingFileExits2() throws {
        let result = try Self.run("handbook", ["render", "/nonexistent/x.md"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot read"))
    }

    @Test func badEditionIsAUsageError() throws {
        let result = try Self.run("handbook", ["build", "--edition", "final"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--edition must be"))
    }
}
