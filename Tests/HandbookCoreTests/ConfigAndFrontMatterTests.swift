import Foundation
import Testing
@testable import HandbookCore

struct ConfigTests {
    @Test func decodesAllKeys() throws {
        let config = try SiteConfig.parse("""
            title: 手册
            language: en
            baseURL: https://example.com/hb/
            allowRawHTML: true
            edition: exam
            version: "2025.2"
            """, file: "handbook.yml")
        #expect(config.title == "手册")
        #expect(config.language == "en")
        #expect(config.allowRawHTML)
        #expect(config.edition == .exam)
        #expect(config.version == "2025.2")
    }

    @Test func unknownKeyIsAnErrorWithPositionAndSuggestion() {
        #expect {
            try SiteConfig.parse("title: 手册\n  \nthme: x\n", file: "handbook.yml")
        } throws: { error in
            let d = (error as! BuildFailure).diagnostics
            return d.count == 1 && d[0].line == 3 && d[0].column == 1 && d[0].message.contains("`thme`")
                && (d[0].hint ?? "").contains("did you mean `theme`?") && d[0].stage == .load
        }
    }

    @Test func missingTitleAndWrongTypes() {
        #expect {
            try SiteConfig.parse("allowRawHTML: maybe\nedition: final\n", file: "handbook.yml")
        } throws: { error in
            let messages = (error as! BuildFailure).diagnostics.map(\.message)
            return messages.count == 3 && messages.contains { $0.contains("allowRawHTML") }
                && messages.contains { $0.contains("edition") } && messages.contains { $0.contains("no `title`") }
        }
    }

    @Test func yamlSyntaxErrorHasLine() {
        #expect {
            try SiteConfig.parse("title: 手册\nversion: [1, 2\n", file: "handbook.yml")
        } throws: { error in
            let d = (error as! BuildFailure).diagnostics
            return d.count == 1 && d[0].line >= 2 && d[0].message.hasPrefix("invalid YAML")
        }
    }
}

struct FrontMatterTests {
    @Test func splitKeepsLineNumbers() {
        let (yaml, body, bodyLine) = FrontMatter.split("---\ntitle: 页\n---\n正文\n")
        #expect(yaml == "title: 页")
        #expect(bodyLine == 4)
        #expect(body.split(separator: "\n", omittingEmptySubsequences: false).firstIndex(of: "正文") == 3)
    }

    /// Every form: the body is the file with the front matter's lines left empty, byte for byte.
    @Test func splitCases() {
        let cases: [(text: String, yaml: String?, body: String, line: Int)] = [
            ("---\ntitle: 页\n---\n正文\n", "title: 页", "\n\n\n正文\n", 4),
            ("---\ntitle: 页\n...\n# 标题\n", "title: 页", "\n\n\n# 标题\n", 4),
            ("\u{FEFF}---\ntitle: a\nsummary: b\n---  \nx", "title: a\nsummary: b", "\n\n\n\nx", 5),
            ("---\ntitle: 页\n---", "title: 页", "\n\n\n", 4),
            ("---\n---\n正文", "", "\n\n正文", 3),
            ("没有前置信息\n---\n", nil, "没有前置信息\n---\n", 1),
            ("---\ntitle: 未结束\n", nil, "---\ntitle: 未结束\n", 1),
            ("---", nil, "---", 1),
            ("", nil, "", 1),
        ]
        for (text, yaml, body, line) in cases {
            let split = FrontMatter.split(text)
            #expect(split.yaml == yaml && split.body == body && split.bodyLine == line, "\(text.debugDescription) → \(split)")
        }
    }

    @Test func strictKeys() {
        #expect {
            try FrontMatter.parse("title: 页\nauthor: 张三\neffective: 2025/01/01", file: "content/a.md")
        } throws: { error in
            let d = (error as! BuildFailure).diagnostics
            return d.count == 2 && d[0].line == 3 && d[0].message.contains("`author`") && d[1].message.contains("effective")
        }
    }

    @Test func missingFrontMatter() {
        #expect(throws: BuildFailure.self) { try FrontMatter.parse(nil, file: "content/a.md") }
    }

    @Test func allKeys() throws {
        let matter = try FrontMatter.parse("title: 投诉\norder: 5\nid: complaints\nsummary: 摘要\nowner: 客服部\neffective: 2025-01-01\nversion: \"1.2\"", file: "a.md")
        #expect(matter == FrontMatter(title: "投诉", order: 5, id: "complaints", summary: "摘要", owner: "客服部", effective: "2025-01-01", version: "1.2"))
    }
}

/// Reading a page from disk: a byte order mark is dropped, CRLF becomes LF, bytes that are not UTF-8 are an error.
struct PageFileTests {
    static func load(_ bytes: [UInt8]) throws -> Result<Page, BuildFailure> {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hb-page-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(bytes).write(to: folder.appendingPathComponent("a.md"))
        return SiteLoader.loadPage("a.md", contentDir: folder, contentDirectory: "content")
    }

    @Test func byteOrderMarkAndLineEndings() throws {
        let text = "---\r\ntitle: 甲\r\n---\r\n\r\n# 标题\r\n"
        let page = try Self.load([0xEF, 0xBB, 0xBF] + Array(text.utf8)).get()
        #expect(page.frontMatter.title == "甲")
        #expect(page.body == "\n\n\n\n# 标题\n")
        #expect(page.source.characterColumn(line: 5, byteColumn: 6) == 4)  // 标 ends at byte 5 of "# 标题": character 3
        let plain = try Self.load(Array("---\ntitle: 乙\n---\n正文\n".utf8)).get()
        #expect(plain.frontMatter.title == "乙" && plain.body == "\n\n\n正文\n")
        // Columns are counted in the body, which the source text shares: the page holds its text once.
        #expect(plain.source.byteCount == plain.body.utf8.count)
        #expect(plain.source.characterColumn(line: 4, byteColumn: 4) == 2)  // after 正
    }

    @Test func invalidUTF8IsAnError() throws {
        guard case .failure(let failure) = try Self.load(Array("---\ntitle: x\n---\n".utf8) + [0xFF, 0xFE, 0x41]) else {
            Issue.record("invalid UTF-8 was accepted")
            return
        }
        #expect(failure.diagnostics.first?.message == "the file is not valid UTF-8 text")
        #expect(failure.diagnostics.first?.file == "content/a.md")
    }
}

struct LinkResolverTests {
    @Test func schemesAndProtocolRelativeLinksAreExternal() {
        for external in ["https://example.com", "mailto:a@b.cn", "tel:+86-10", "//cdn.example.com/x", "a:", "svn+ssh://h", "A1.b-c:x"] {
            #expect(LinkResolver.isExternal(external), "\(external)")
        }
        for local in ["", "05-complaints.md", "../a/b.md#第1条", "#x", "1abc:x", "é:x", "a b:c", "/abs/path.md", "中文:x", "x/y:z"] {
            #expect(!LinkResolver.isExternal(local), "\(local)")
        }
        #expect(LinkResolver.splitFragment("a.md#第31条") == ("a.md", "第31条"))
        #expect(LinkResolver.splitFragment("中文.md") == ("中文.md", nil))
        #expect(LinkResolver.splitFragment("#") == ("", ""))
    }

    let resolver = LinkResolver(anchors: ["a.md": ["x"], "dir/b.md": ["第3条"]], assets: ["img/logo.png"])

    @Test func rewritesAndChecks() {
        #expect(resolver.resolve("dir/b.md#第3条", from: "a.md") == .rewritten("dir/b.html#第3条"))
        #expect(resolver.resolve("dir/b.md#%E7%AC%AC3%E6%9D%A1", from: "a.md") == .rewritten("dir/b.html#%E7%AC%AC3%E6%9D%A1"))
        #expect(resolver.resolve("../a.md#x", from: "dir/b.md") == .rewritten("../a.html#x"))
        #expect(resolver.resolve("b.md", from: "dir/c.md") == .rewritten("../dir/b.html"))
        #expect(resolver.resolve("c.md", from: "a.md") == .missingPage("c.md"))
        #expect(resolver.resolve("a.md#y", from: "dir/b.md") == .missingPage("dir/a.md"))
        #expect(resolver.resolve("../a.md#y", from: "dir/b.md") == .missingAnchor(page: "a.md", anchor: "y"))
        #expect(resolver.resolve("#x", from: "a.md") == .external)
        #expect(resolver.resolve("#nope", from: "a.md") == .missingAnchor(page: "a.md", anchor: "nope"))
        #expect(resolver.resolve("https://example.com/x.md", from: "a.md") == .external)
        #expect(resolver.resolve("mailto:kf@example.com", from: "a.md") == .external)
        #expect(resolver.resolve("img/logo.png", from: "a.md") == .external)
        #expect(resolver.resolve("img/missing.png", from: "a.md") == .missingPage("img/missing.png"))
    }

    /// Paths are resolved on bytes: `.`/`..` parts, doubled and trailing slashes, absolute paths, Chinese names.
    @Test func pathsAreNormalised() {
        let cases: [(path: String, page: String, expected: String)] = [
            ("b.md", "a.md", "b.md"), ("b.md", "dir/a.md", "dir/b.md"), ("../b.md", "dir/a.md", "b.md"),
            ("../../b.md", "dir/a.md", "b.md"), ("./x/../y.md", "d/e/a.md", "d/e/y.md"), ("/top.md", "d/a.md", "top.md"),
            ("x//y/.md", "a.md", "x/y/.md"), ("..", "d/a.md", ""), ("第二章/投诉.md", "总则/a.md", "总则/第二章/投诉.md"),
            ("...md", "a.md", "...md"), ("x/./.", "a.md", "x"),
        ]
        for (path, page, expected) in cases {
            #expect(LinkResolver.normalize(path, relativeTo: page) == expected, "\(path) from \(page)")
        }
        #expect(LinkResolver.folderDepth("a.md") == 0)
        #expect(LinkResolver.folderDepth("d/e/a.md") == 2)
        #expect(LinkResolver.folderDepth("") == 0)
        #expect(LinkResolver.folderDepth("a//b/c.md") == 2 && LinkResolver.folderDepth("/a/b.md") == 1 && LinkResolver.folderDepth("a/b/") == 1)
        #expect(LinkResolver.normalize("../x.md", relativeTo: "a//b/p.md") == "a/x.md")
        #expect(LinkResolver.relativePath(from: "d/e/a.md", to: "b.html") == "../../b.html")
        #expect(LinkResolver.percentDecoded("%E7%AC%AC3%E6%9D%A1") == "第3条")
        #expect(LinkResolver.percentDecoded("100%") == "100%")  // not a valid escape: kept as written
        #expect(LinkResolver.percentDecoded("第3条") == "第3条")
    }
}
