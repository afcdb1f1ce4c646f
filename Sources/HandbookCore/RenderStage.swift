import CmarkBridge
import Foundation

/// The render stage: page bodies to HTML, then every page through the theme's templates.
struct PageRenderer {
    let site: LoadedSite
    let transformed: TransformedSite
    let transformers: [any BlockTransformer]

    /// No inline script or style, nothing from the network; forms and quizzes only need 'self'.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'none'; base-uri 'none'"

    func renderAll() throws(BuildFailure) -> [String: String] {
        let renderer = HTMLRenderer(allowRawHTML: site.config.allowRawHTML)
        let pages = site.pages
        let nav = pages.map { ["title": $0.title, "path": $0.outputPath, "summary": $0.frontMatter.summary ?? ""] }
        let assetsByLanguage = transformedAssets()
        let strings = site.theme.strings
        let config = site.config
        let theme = site.theme
        let languagesByPage = transformed.languagesByPage

        var files = [String: String]()
        let rendered = pages.indices.map { $0 }.parallelMap { index -> (String, String) in
            let page = pages[index]
            let body = page.tree.map { renderer.render($0) } ?? ""
            var scripts: [String] = [], styles: [String] = []
            for language in (languagesByPage[page.outputPath] ?? []).sorted() {
                scripts += assetsByLanguage[language]?.scripts ?? []
                styles += assetsByLanguage[language]?.styles ?? []
            }
            var context = Self.baseContext(config: config, strings: strings, root: page.rootPrefix)
            context["page"] = Self.pageContext(page)
            context["content"] = body
            let toc = page.headings.filter { $0.level == 2 || $0.level == 3 }
            context["hasToc"] = !toc.isEmpty
            context["toc"] = toc.map { ["id": $0.id, "text": $0.text, "html": $0.html, "level": $0.level, "isSub": $0.level == 3] as [String: Any] }
            context["breadcrumbs"] = [["title": strings["home"] ?? config.title, "url": page.rootPrefix + "index.html"]]
            context["nav"] = nav.enumerated().map { offset, item -> [String: Any] in
                ["title": item["title"]!, "url": page.rootPrefix + item["path"]!, "summary": item["summary"]!, "current": offset == index]
            }
            if index > 0 { context["prev"] = ["title": pages[index - 1].title, "url": page.rootPrefix + pages[index - 1].outputPath] }
            if index + 1 < pages.count { context["next"] = ["title": pages[index + 1].title, "url": page.rootPrefix + pages[index + 1].outputPath] }
            context["scripts"] = scripts.map { ["src": $0] }
            context["styles"] = styles.map { ["href": $0] }
            return (page.outputPath, theme.render("page", context))
        }
        for (path, html) in rendered { files[path] = html }

        var home = Self.baseContext(config: config, strings: strings, root: "")
        home["page"] = ["title": config.title, "summary": config.description, "path": "index.html"]
        home["nav"] = nav.map { item -> [String: Any] in ["title": item["title"]!, "url": item["path"]!, "summary": item["summary"]!, "current": false] }
        home["chapters"] = pages.map { ["title": $0.title, "url": $0.outputPath, "summary": $0.frontMatter.summary ?? "", "owner": $0.frontMatter.owner ?? ""] }
        files["index.html"] = theme.render("home", home)
        for special in ["404", "search"] {
            var context = Self.baseContext(config: config, strings: strings, root: "")
            context["page"] = ["title": strings[special == "404" ? "notFoundTitle" : "searchResults"] ?? special, "path": "\(special).html"]
            context["nav"] = home["nav"]
            files["\(special).html"] = theme.render(special, context)
        }
        var problems: [Diagnostic] = []
        for (path, html) in files where html.isEmpty {
            problems.append(Diagnostic(stage: .render, file: site.config.themeDirectory, message: "the theme rendered `\(path)` empty",
                                       hint: "check the theme's templates"))
        }
        if !problems.isEmpty { throw BuildFailure(problems) }
        files.merge(transformed.dataFiles) { $1 }
        return files
    }

    private func transformedAssets() -> [String: (scripts: [String], styles: [String])] {
        var result: [String: (scripts: [String], styles: [String])] = [:]
        for transformer in transformers { result[transformer.language] = (transformer.scripts, transformer.styles) }
        return result
    }

    static func baseContext(config: SiteConfig, strings: [String: String], root: String) -> [String: Any] {
        [
            "site": ["title": config.title, "lang": config.language, "version": config.version, "description": config.description,
                     "edition": config.edition.rawValue, "isExam": config.edition == .exam] as [String: Any],
            "t": strings,
            "root": root,
            "csp": contentSecurityPolicy,
        ]
    }

    static func pageContext(_ page: Page) -> [String: Any] {
        var context: [String: Any] = ["title": page.title, "path": page.outputPath]
        if let summary = page.frontMatter.summary { context["summary"] = summary }
        if let owner = page.frontMatter.owner { context["owner"] = owner }
        if let effective = page.frontMatter.effective { context["effective"] = effective }
        if let version = page.frontMatter.version { context["version"] = version }
        return context
    }
}
