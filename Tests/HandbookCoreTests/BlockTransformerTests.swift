import Foundation
import HandbookForms
import Testing
@testable import HandbookCore

struct BlockTransformerTests {
    static func block(_ yaml: String, info: String, line: Int = 10) -> FencedBlock {
        FencedBlock(info: info, literal: yaml, pagePath: "05-x.md", displayPath: "content/05-x.md", contentLine: line, contentColumn: 1)
    }

    static let hostileChecklist = """
        id: xss-form
        title: "<script>alert(1)</script>表单"
        version: 1
        cite: "#第1条"
        description: '"><img src=x onerror=alert(2)>'
        fields:
          - {id: a, type: choice, label: "<b>粗</b>", options: ["<i>甲</i>", "乙&丙"], help: "</li><script>x</script>"}
          - {id: b, type: text, label: 乙}
        rules:
          - {id: r1, type: atLeastOne, fields: [a, b], message: "<svg onload=alert(3)>", cite: "#第1条"}
        """

    @Test func checklistHTMLEscapesEveryValue() throws {
        let result = try ChecklistTransformer().transform(Self.block(Self.hostileChecklist, info: "checklist"), config: SiteConfig(title: "t"))
        #expect(!result.html.contains("<script>"))
        #expect(!result.html.contains("<img"))
        #expect(!result.html.contains("<svg"))
        #expect(!result.html.contains("<b>粗"))
        #expect(result.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;表单"))
        #expect(result.html.contains("乙&amp;丙"))
        #expect(result.html.contains("data-checklist=\"xss-form\""))
        #expect(result.anchors == ["checklist-xss-form"])
        #expect(result.references.map(\.target) == ["#第1条", "#第1条"])
    }

    @Test func definitionErrorsPointIntoTheMarkdownFile() {
        let yaml = """
            id: bad
            title: 坏表单
            version: 1
            fields:
              - {id: a, type: text, label: 甲}
              - id: b
                type: colour
                label: 乙
            """
        #expect {
            try ChecklistTransformer().transform(Self.block(yaml, info: "checklist", line: 20), config: SiteConfig(title: "t"))
        } throws: { error in
            let d = (error as! BuildFailure).diagnostics
            // `type: colour` is on the 7th YAML line; the block's content starts on file line 20.
            return d.count == 1 && d[0].file == "content/05-x.md" && d[0].line == 26 && d[0].stage == .transform
        }
    }

    static let quiz = """
        id: q
        title: 测验
        questions:
          - {id: q1, type: fill, prompt: 几小时内答复？, answer: ["24", 二十四], explanation: 见第51条的秘密解释, cite: "#第1条"}
          - {id: q2, type: order, prompt: 排序, items: [受理, 调查, 处理, 回访], explanation: 顺序解释, cite: "#第1条"}
          - {id: q3, type: single, prompt: 选择, options: [甲, 乙], answer: 乙, explanation: 因为乙, cite: "#第1条"}
        """

    @Test func examEditionCarriesNoAnswers() throws {
        var config = SiteConfig(title: "t")
        config.edition = .exam
        let transformer = QuizTransformer()
        let result = try transformer.transform(Self.block(Self.quiz, info: "quiz"), config: config)
        let artifact = try #require(result.artifact as? QuizTransformer.Artifact)
        #expect(artifact.published.questions.allSatisfy { $0.answer == nil && $0.explanation == nil })
        #expect(artifact.published.questions[1].items != ["受理", "调查", "处理", "回访"])
        #expect(Set(artifact.published.questions[1].items ?? []) == ["受理", "调查", "处理", "回访"])
        #expect(artifact.hash == (try artifact.definition.examEdition().canonicalHash()))
        #expect(artifact.hash != (try artifact.definition.canonicalHash()))
        let files = try transformer.finish(artifacts: [artifact], resolvedCites: [:], config: config)
        let data = try #require(files["assets/quizzes-data.js"])
        for secret in ["\"answer\"", "explanation", "秘密解释", "二十四", "因为乙", "受理\",\"调查\",\"处理\",\"回访"] {
            #expect(!data.contains(secret), "exam data leaks \(secret)")
            #expect(!artifact.html.contains(secret), "exam page leaks \(secret)")
        }
        #expect(!result.searchText.contains("秘密解释"))
        #expect(result.html.contains("quizzes/05-x.html"))
    }

    @Test func promptsRenderInlineMarkdownSafely() {
        #expect(QuizTransformer.inlineMarkdown("**24小时**内答复 `客服部`") == "<strong>24小时</strong>内答复 <code>客服部</code>")
        #expect(QuizTransformer.inlineMarkdown("问<b>粗</b>") == "问<!-- raw HTML omitted -->粗<!-- raw HTML omitted -->")
        // Not a single paragraph (here an HTML block): escaped text.
        #expect(QuizTransformer.inlineMarkdown("<script>x</script>问") == "&lt;script&gt;x&lt;/script&gt;问")
        #expect(QuizTransformer.inlineMarkdown("- 列表\n- 不是行内") == "- 列表\n- 不是行内")
    }

    @Test func selfCheckEditionKeepsTheKey() throws {
        let result = try QuizTransformer().transform(Self.block(Self.quiz, info: "quiz"), config: SiteConfig(title: "t"))
        let artifact = try #require(result.artifact as? QuizTransformer.Artifact)
        #expect(artifact.published == artifact.definition)
        #expect(result.html.contains("data-quiz=\"q\""))
    }
}

struct NavigationTests {
    static func page(_ path: String, _ title: String) -> Page {
        Page(sourcePath: path, displayPath: "content/" + path, source: SourceText(path: path, text: ""),
             frontMatter: FrontMatter(title: title), body: "")
    }

    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The opening `<li…>` tags of a sidebar's chapter items and of its current chapter's page items (the one
    /// `<ol class="nav-list nav-pages">`): plain `<li>`, or with `is-current` / `is-expanded`.
    static func items(_ html: String) -> (chapters: [String], pages: [String]) {
        func openings(_ text: String) -> [String] {
            text.components(separatedBy: "<li").dropFirst().map { "<li" + $0.prefix { $0 != ">" } + ">" }
        }
        let parts = html.components(separatedBy: "<ol class=\"nav-list nav-pages\">")
        guard parts.count == 2, let close = parts[1].range(of: "</ol>") else { return (openings(html), []) }
        return (openings(parts[0]) + openings(String(parts[1][close.upperBound...])), openings(String(parts[1][..<close.lowerBound])))
    }

    @Test func foldersAreChaptersAndTopLevelPagesStandAlone() throws {
        let pages = [Self.page("01-a.md", "甲"), Self.page("ch1/p1.md", "一"), Self.page("ch1/p2.md", "二"), Self.page("z.md", "末")]
        let chapters = PageRenderer.chapters(of: pages)
        #expect(chapters.map(\.title) == ["甲", "一", "末"])
        #expect(chapters.map(\.pages) == [[0], [1, 2], [3]])
        #expect(chapters.map(\.isFolder) == [false, true, false])
        // The sidebar of page 2 (ch1/p2), rendered through the default theme's nav partials.
        let theme = try Theme.load(from: Self.repo.appendingPathComponent("theme"), language: "zh-CN", displayRoot: Self.repo)
        let html = NavigationHTML(theme: theme, chapters: chapters, pages: pages).html(forPage: 2, chapter: 1, root: "../")
        let items = html.components(separatedBy: "\n<li").count
        #expect(items >= 3)
        #expect(html.contains("is-expanded"))
        #expect(html.components(separatedBy: "is-expanded").count == 2, "only the current chapter is expanded")
        #expect(Self.items(html).pages == ["<li class=\"is-current\">"], "the current folder chapter lists its one page after its first: this one")
        #expect(Self.items(html).chapters == ["<li>", "<li class=\"is-expanded\">", "<li>"])
        #expect(html.components(separatedBy: "aria-current=\"page\"").count == 2, "exactly one current link")
        #expect(html.contains("href=\"../ch1/p2.html\" aria-current=\"page\""))
        #expect(!html.contains("href=\"../01-a.html\" aria-current"))
        #expect(PageRenderer.chapterList(chapters).allSatisfy {
            let item = $0.value as? [String: Any]
            return item?["children"] == nil && item?["current"] as? Bool == false
        })
    }

    /// A content page's sidebar made in one buffer (`utf8`) is `html`'s text, byte for byte: pages of folder
    /// chapters (first, middle, last page), stand-alone pages, and the windowed sidebars of a large site.
    @Test func sidebarBytesAreTheSidebarText() throws {
        let theme = try Theme.load(from: Self.repo.appendingPathComponent("theme"), language: "zh-CN", displayRoot: Self.repo)
        var small = [Self.page("00-intro.md", "前言 <&>")]
        for chapter in 1...3 {
            small += (1...(chapter * 2)).map { Self.page("ch\(chapter)/p\($0).md", "第\(chapter)章 第\($0)页 \"引号\"") }
        }
        small.append(Self.page("zz.md", "附录"))
        var large = (0..<70).map { Self.page(String(format: "c%03d.md", $0), "章\($0)") }
        large += (0..<130).map { Self.page(String(format: "big/p%03d.md", $0), "页\($0)") }
        for pages in [small, large] {
            let chapters = PageRenderer.chapters(of: pages)
            let navigation = NavigationHTML(theme: theme, chapters: chapters, pages: pages)
            for (chapter, item) in chapters.enumerated() {
                for page in item.pages {
                    let root = pages[page].rootPrefix
                    let text = navigation.html(forPage: page, chapter: chapter, root: root)
                    #expect(navigation.utf8(forPage: page, chapter: chapter, root: root) == Array(text.utf8), "page \(page)")
                }
            }
        }
    }

    /// On a very large site the sidebar shows a window of chapters and of the current chapter's pages, with
    /// items leading past it, so a page's size stays flat as the site grows.
    @Test func largeSitesShowAWindowOfChaptersAndPages() throws {
        var pages = (0..<200).map { Self.page(String(format: "c%03d.md", $0), "章\($0)") }
        pages += (0..<300).map { Self.page(String(format: "big/p%03d.md", $0), "页\($0)") }
        let chapters = PageRenderer.chapters(of: pages)
        #expect(chapters.count == 201)
        let theme = try Theme.load(from: Self.repo.appendingPathComponent("theme"), language: "zh-CN", displayRoot: Self.repo)
        let navigation = NavigationHTML(theme: theme, chapters: chapters, pages: pages)
        func items(_ html: String, _ tag: String, pages: Bool = false) -> Int {
            (pages ? Self.items(html).pages : Self.items(html).chapters).filter { $0 == tag }.count
        }

        // A stand-alone chapter in the middle: 60 chapters around it, one item before and one after.
        let middle = navigation.html(forPage: 100, chapter: 100, root: "")
        // 59 other chapters and the two items past the window; the current chapter.
        #expect(items(middle, "<li>") == NavigationHTML.chapterWindow - 1 + 2)
        #expect(items(middle, "<li class=\"is-current\">") == 1)
        #expect(middle.contains("href=\"c100.html\" aria-current=\"page\""))
        #expect(middle.contains(">前面还有 70 项…</a>") && middle.contains("href=\"c069.html\""))
        #expect(middle.contains(">后面还有 71 项…</a>") && middle.contains("href=\"c130.html\""))

        // The big folder chapter (the last one): its 299 other pages are windowed around the current page.
        let deep = navigation.html(forPage: 200 + 150, chapter: 200, root: "../")
        // 119 other pages and the two items past the window; the current page.
        #expect(items(deep, "<li>", pages: true) == NavigationHTML.pageWindow - 1 + 2)
        #expect(items(deep, "<li class=\"is-current\">", pages: true) == 1)
        #expect(deep.contains("href=\"../big/p150.html\" aria-current=\"page\""))
        #expect(deep.contains(">前面还有 89 项…</a>") && deep.contains("href=\"../big/p089.html\""))
        #expect(deep.contains(">后面还有 90 项…</a>") && deep.contains("href=\"../big/p210.html\""))
        #expect(!middle.contains("前面还有 0"))

        // Pages outside any chapter (home, search): the first chapters and a way on.
        let home = navigation.html(forPage: nil, chapter: nil, root: "")
        #expect(items(home, "<li>") == NavigationHTML.chapterWindow + 1)
        #expect(!home.contains("前面还有") && home.contains(">后面还有 141 项…</a>"))

        // A small site is listed in full.
        let small = NavigationHTML(theme: theme, chapters: Array(chapters.prefix(12)), pages: pages)
        #expect(!small.html(forPage: 3, chapter: 3, root: "").contains("还有"))
    }
}

/// Cites resolved relative to the page become relative to the site root (the data files live there).
struct SiteRelativeTests {
    @Test func citesBecomeSiteRelative() {
        #expect(Transformer.siteRelative("b.html#第1条", from: "a.md") == "b.html#第1条")
        #expect(Transformer.siteRelative("p2.html#x", from: "ch/p.md") == "ch/p2.html#x")
        #expect(Transformer.siteRelative("../a.html", from: "ch/p.md") == "a.html")
        #expect(Transformer.siteRelative("../../a.html", from: "第一章/子/p.md") == "a.html")
        #expect(Transformer.siteRelative("r.html", from: "第一章/子/p.md") == "第一章/子/r.html")
        // A `/` followed by a combining mark is still a folder separator.
        #expect(Transformer.siteRelative("r.html", from: "a/\u{301}b/p.md") == "a/\u{301}b/r.html")
    }
}
