import CmarkBridge
import Foundation
import HandbookForms

/// ```` ```quiz ```` blocks. In the self-check edition the quiz renders where it is written, with answers
/// for the page's quiz.js; in the exam edition the chapter shows a link to the quiz page instead, and
/// nothing the build writes holds an answer, an explanation or a hash of the answer key.
public struct QuizTransformer: BlockTransformer {
    public let language = "quiz"
    public let scripts = ["assets/quizzes-data.js", "assets/quiz.js"]
    public let styles = ["assets/forms.css"]

    public init() {}

    /// Equal when every field is (definition, canonical JSON, page, position): `handbook
    /// serve` then knows an edit left the blocks alone.
    public struct Artifact: Sendable, Equatable {
        public var definition: QuizDefinition
        /// The definition the page gets: the full one (self-check) or the exam edition.
        public var published: QuizDefinition
        public var hash: String
        /// The canonical JSON of `published` (what the hash is taken of, and what the data file embeds).
        public var publishedJSON: String
        public var pagePath: String
        public var pageTitle: String
        public var displayPath: String
        public var line: Int
        public var html: String
    }

    public func transform(_ block: FencedBlock, config: SiteConfig) throws(BuildFailure) -> TransformedBlock {
        let (definition, tree) = try DefinitionYAML.decode(QuizDefinition.self, from: block)
        let issues = definition.validate()
        if !issues.isEmpty {
            throw BuildFailure(issues.map { DefinitionYAML.diagnostic($0, in: tree) })
        }
        let exam = config.edition == .exam
        let published = exam ? definition.examEdition() : definition
        let json: Data
        do { json = try Canonical.json(published) } catch {
            throw BuildFailure([Diagnostic(stage: .transform, file: block.displayPath, line: block.contentLine, message: "cannot encode the quiz: \(error)")])
        }
        let html = Self.staticHTML(published)
        let artifact = Artifact(definition: definition, published: published, hash: SHA256Digest.hex(json),
                                publishedJSON: String(decoding: json, as: UTF8.self), pagePath: block.pagePath, pageTitle: "",
                                displayPath: block.displayPath, line: block.contentLine - 1, html: html)
        let inline = exam ? Self.examLink(published, pagePath: block.pagePath) : html
        return TransformedBlock(html: inline, searchText: Self.searchText(published, exam: exam),
                                references: DefinitionYAML.references(definition.citeReferences(), in: tree),
                                artifact: artifact, anchors: ["quiz-\(definition.id)"])
    }

    public func finish(artifacts: [any Sendable], resolvedCites: [String: String], config: SiteConfig) throws(BuildFailure) -> [String: String] {
        let quizzes = artifacts.compactMap { $0 as? Artifact }
        let problems = duplicateIDDiagnostics(quizzes.map { ($0.definition.id, $0.displayPath, $0.line) }, kind: "quiz")
        if !problems.isEmpty { throw BuildFailure(problems) }
        let entries = quizzes.parallelMap { quiz -> String in
            let cites = ReferenceKey.urls(for: quiz.definition.citeReferences(), page: quiz.pagePath, resolved: resolvedCites)
            return "\(DefinitionYAML.json(quiz.definition.id)):{\"definition\":\(quiz.publishedJSON),"
                + "\"hash\":\(DefinitionYAML.json(quiz.hash)),\"cites\":\(DefinitionYAML.json(cites))}"
        }
        return ["assets/quizzes-data.js": """
            window.HANDBOOK = window.HANDBOOK || {};
            HANDBOOK.edition = \(DefinitionYAML.json(config.edition.rawValue));
            HANDBOOK.quizzes = {\(entries.joined(separator: ","))};

            """]
    }

    public func extraPages(artifacts: [any Sendable], pageTitles: [String: String], config: SiteConfig) -> [GeneratedPage] {
        let quizzes = artifacts.compactMap { $0 as? Artifact }
        guard !quizzes.isEmpty else { return [] }
        var byPage: [(page: String, quizzes: [Artifact])] = []
        for quiz in quizzes {
            if let last = byPage.indices.last, byPage[last].page == quiz.pagePath {
                byPage[last].quizzes.append(quiz)
            } else {
                byPage.append((quiz.pagePath, [quiz]))
            }
        }
        let e: (String) -> String = HTMLEscaping.escapeHTML
        let exam = config.edition == .exam
        let note = exam ? "<p class=\"quiz-edition-note\">考试版：请先填写姓名和工号，答完后导出答卷交给培训负责人。</p>\n"
                        : "<p class=\"quiz-edition-note\">自测版：每题作答后点“检查答案”，可看到解析和对应条款。</p>\n"
        var pages: [GeneratedPage] = []
        var index = note + "<ul class=\"quiz-index\">\n"
        var all = ""
        for (page, group) in byPage {
            let title = pageTitles[page] ?? page
            let path = QuizPages.path(forPage: page)
            let chapterLink = "<p>章节原文：<a href=\"../\(HTMLEscaping.escapeHref(String(page.dropLast(3)) + ".html"))\">\(e(title))</a></p>\n"
            pages.append(GeneratedPage(path: path, title: "\(title) · 测验", html: note + chapterLink + group.map(\.html).joined(separator: "\n"),
                                       language: language))
            index += "<li><a href=\"\(HTMLEscaping.escapeHref(String(path.dropFirst("quizzes/".count))))\">\(e(title))</a>（\(group.map { e($0.definition.title) }.joined(separator: "、"))，共 \(group.reduce(0) { $0 + $1.definition.questions.count }) 题）</li>\n"
            all += "<h2 id=\"chapter-\(pages.count)\">\(e(title))</h2>\n" + group.map(\.html).joined(separator: "\n") + "\n"
        }
        index += "</ul>\n"
        pages.append(GeneratedPage(path: "quizzes/index.html", title: "全部测验", summary: "各章测验汇总", html: index + all, language: language))
        return pages
    }

    /// Prompts and options are searchable; answers and explanations only in the self-check edition.
    static func searchText(_ quiz: QuizDefinition, exam: Bool) -> String {
        var parts = [quiz.title]
        for question in quiz.questions {
            parts.append(question.prompt)
            if !exam, let explanation = question.explanation { parts.append(explanation) }
        }
        return parts.joined(separator: " ")
    }

    static func examLink(_ quiz: QuizDefinition, pagePath: String) -> String {
        let e: (String) -> String = HTMLEscaping.escapeHTML
        let depth = LinkResolver.folderDepth(pagePath)
        let href = String(repeating: "../", count: depth) + QuizPages.path(forPage: pagePath)
        return "<p class=\"quiz-exam-link\" id=\"quiz-\(e(quiz.id))\">本章测验请在考试版测验页作答：<a href=\"\(HTMLEscaping.escapeHref(href))\">\(e(quiz.title.replacingOccurrences(of: "自测", with: "测验")))</a></p>"
    }

    /// A prompt's inline Markdown (emphasis, code …) as HTML, in safe mode: raw HTML is omitted.
    static func inlineMarkdown(_ text: String) -> String {
        let tree = CmarkParser.parse(text)
        let blocks = Array(tree.children(of: MarkdownTree.root))
        guard blocks.count == 1, tree[blocks[0]].kind == .paragraph else {
            return HTMLEscaping.escapeHTML(text)
        }
        return HTMLRenderer(allowRawHTML: false).renderInlines(of: blocks[0], in: tree)
    }

    /// Questions as text, with no answers: a printable fallback that quiz.js replaces.
    static func staticHTML(_ quiz: QuizDefinition) -> String {
        let e: (String) -> String = HTMLEscaping.escapeHTML
        let id = e(quiz.id)
        var html = "<section class=\"quiz\" id=\"quiz-\(id)\" data-quiz=\"\(id)\" aria-labelledby=\"quiz-\(id)-title\">\n"
        html += "<h3 id=\"quiz-\(id)-title\">\(e(quiz.title))</h3>\n<div class=\"quiz-static\">\n"
        html += "<p class=\"quiz-meta\">共 \(quiz.questions.count) 题 · 及格线 \(Int(quiz.effectivePassMark))%</p>\n<ol class=\"quiz-static-questions\">\n"
        for question in quiz.questions {
            html += "<li><p>\(Self.inlineMarkdown(question.prompt))</p>"
            let choices = question.type == .truefalse ? ["对", "错"] : (question.options ?? question.items ?? [])
            if !choices.isEmpty {
                html += "<ul>" + choices.map { "<li>\(e($0))</li>" }.joined() + "</ul>"
            }
            html += "</li>\n"
        }
        return html + "</ol>\n</div>\n</section>"
    }
}

/// The quiz pages: one per chapter that has quizzes (`quizzes/<page>.html`) and `quizzes/index.html`.
public enum QuizPages {
    public static func path(forPage pagePath: String) -> String {
        "quizzes/" + pagePath.replacingOccurrences(of: "/", with: "-").dropLast(3) + ".html"
    }
}
