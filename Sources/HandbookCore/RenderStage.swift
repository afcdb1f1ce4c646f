import CmarkBridge
import Foundation

/// The render stage: page bodies to HTML, then every page through the theme's templates.
struct PageRenderer {
    let site: LoadedSite
    let transformed: TransformedSite
    let transformers: [any BlockTransformer]

    /// No inline script or style, nothing from the network; forms and quizzes only need 'self'.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'none'; base-uri 'none'"

    /// A chapter is a top-level folder of pages, or a single page at the top level. The sidebar lists the
    /// chapters and only the current chapter's pages, so a page's size does not grow with the whole site.
    struct Chapter {
        var title: String
        var url: String
        var summary: String?
        var owner: String?
        var pages: [Int]
        var isFolder: Bool
    }

    static func chapters(of pages: [Page]) -> [Chapter] {
        var chapters: [Chapter] = []
        var byKey: [Substring: Int] = [:]
        var last: (key: Substring, chapter: Int)?
        for index in pages.indices {
            // A page in a folder belongs to the folder's chapter (keyed `folder/`); a top-level page is one.
            let path = pages[index].sourcePath
            let slash = path.utf8.firstIndex(of: UInt8(ascii: "/"))
            let key = slash.map { path[...$0] } ?? path[...]
            // Pages come in order, so a folder's pages follow each other: most need no look-up.
            if let last, last.key == key {
                chapters[last.chapter].pages.append(index)
            } else if let existing = byKey[key] {
                chapters[existing].pages.append(index)
                last = (key, existing)
            } else {
                byKey[key] = chapters.count
                last = (key, chapters.count)
                let page = pages[index]
                chapters.append(Chapter(title: page.title, url: page.outputPath, summary: page.frontMatter.summary,
                                        owner: page.frontMatter.owner, pages: [index], isFolder: slash != nil))
            }
        }
        return chapters
    }

    /// What every page's render shares: chapters, navigation items, links, block assets.
    /// Built once per build; `handbook serve` keeps it while no title or page order changes.
    struct Plan: Sendable {
        var pages: [Page]
        let chapters: [Chapter]
        let chapterOfPage: [Int]
        let assetsByLanguage: [String: (scripts: [String], styles: [String])]
        /// The site, UI strings and links every page's context holds.
        let shared: SharedContext
        let navigation: NavigationHTML
        var languagesByPage: [String: Set<String>]
        let renderer: HTMLRenderer
        let config: SiteConfig
        let theme: Theme
    }

    func plan() -> Plan {
        Self.plan(site: site, transformers: transformers, languagesByPage: transformed.languagesByPage,
                  generatedPaths: Set(transformed.extraPages.map(\.path)))
    }

    /// The plan from the loaded pages (their trees are not needed); `generatedPaths` are the transformers'
    /// extra pages, which decide links on every page (the quizzes index).
    static func plan(site: LoadedSite, transformers: [any BlockTransformer], languagesByPage: [String: Set<String>],
                     generatedPaths: Set<String>) -> Plan {
        let pages = site.pages
        let chapters = Self.chapters(of: pages)
        let chapterOfPage = chapters.enumerated().reduce(into: [Int](repeating: 0, count: pages.count)) { result, entry in
            for page in entry.element.pages { result[page] = entry.offset }
        }
        let assetsByLanguage = Dictionary(transformers.map { ($0.language, (scripts: $0.scripts, styles: $0.styles)) },
                                          uniquingKeysWith: { first, _ in first })
        return Plan(pages: pages, chapters: chapters, chapterOfPage: chapterOfPage, assetsByLanguage: assetsByLanguage,
                    shared: SharedContext(config: site.config, theme: site.theme, links: extraLinks(pages, generatedPaths: generatedPaths)),
                    navigation: NavigationHTML(theme: site.theme, chapters: chapters, pages: pages),
                    languagesByPage: languagesByPage, renderer: HTMLRenderer(allowRawHTML: site.config.allowRawHTML),
                    config: site.config, theme: site.theme)
    }

    /// One content page through the `page` template.
    static func renderPage(_ index: Int, plan: Plan) -> String {
        renderPage(plan.pages[index], at: index, languages: plan.languagesByPage[plan.pages[index].outputPath] ?? [], plan: plan)
    }

    /// One content page, given with its tree (the plan's pages may carry only their front matter);
    /// `languages` are the block languages it uses.
    static func renderPage(_ page: Page, at index: Int, languages: Set<String>, plan: Plan) -> String {
        String(decoding: renderPageUTF8(page, at: index, languages: languages, plan: plan), as: UTF8.self)
    }

    /// The same as UTF-8 bytes, as written: the body goes from the renderer into the page as bytes.
    static func renderPageUTF8(_ page: Page, at index: Int, languages: Set<String>, plan: Plan) -> [UInt8] {
        let body = page.tree.map { plan.renderer.renderUTF8($0) } ?? []
        return plan.theme.renderUTF8("page", pageContext(page, at: index, languages: languages, plan: plan, body: body))
    }

    /// The `page` template's context for a content page whose body is `body` (UTF-8 HTML).
    static func pageContext(_ page: Page, at index: Int, languages: Set<String>, plan: Plan, body: [UInt8]) -> TypedContext {
        let pages = plan.pages, config = plan.config, strings = plan.theme.strings, chapters = plan.chapters
        var scripts: [TypedContext] = [], styles: [TypedContext] = []
        for language in languages.sorted() {
            scripts += (plan.assetsByLanguage[language]?.scripts ?? []).map { .strings([("src", $0)]) }
            styles += (plan.assetsByLanguage[language]?.styles ?? []).map { .strings([("href", $0)]) }
        }
        let root = page.rootPrefix
        let toc = page.headings.filter { $0.level == 2 || $0.level == 3 }
        var crumbs: [TypedContext] = [.strings([("title", strings["home"] ?? config.title), ("url", "index.html")])]
        let chapter = chapters[plan.chapterOfPage[index]]
        if chapter.isFolder && chapter.pages.first != index { crumbs.append(.strings([("title", chapter.title), ("url", chapter.url)])) }
        var pairs = plan.shared.base(root: root)
        pairs += [
            ("page", Self.pageFields(page)),
            ("content", .utf8(body)),
            ("hasToc", .bool(!toc.isEmpty)),
            ("toc", .list(toc.map { .object([("id", .string($0.id)), ("text", .string($0.text)), ("level", .int($0.level))]) })),
            ("breadcrumbs", .list(crumbs)),
            ("navHTML", .utf8(plan.navigation.utf8(forPage: index, chapter: plan.chapterOfPage[index], root: root))),
        ]
        if index > 0 { pairs.append(("prev", .strings([("title", pages[index - 1].title), ("url", pages[index - 1].outputPath)]))) }
        if index + 1 < pages.count { pairs.append(("next", .strings([("title", pages[index + 1].title), ("url", pages[index + 1].outputPath)]))) }
        pairs.append(("scripts", .list(scripts)))
        pairs.append(("styles", .list(styles)))
        return .object(pairs)
    }

    /// The pages that are not content pages: the transformers' extra pages, home, 404 and search.
    static func renderGenerated(plan: Plan, extraPages: [GeneratedPage]) -> [String: String] {
        let config = plan.config, strings = plan.theme.strings, theme = plan.theme
        let shared = plan.shared, navigation = plan.navigation, assetsByLanguage = plan.assetsByLanguage
        var files: [String: String] = [:]
        let allNav = TypedContext.list(Self.chapterList(plan.chapters))
        let rendered = extraPages.parallelMap { extra -> (String, String) in
            let root = String(repeating: "../", count: LinkResolver.folderDepth(extra.path))
            var page: [(String, TypedContext)] = [("title", .string(extra.title)), ("path", .string(extra.path))]
            if let summary = extra.summary { page.append(("summary", .string(summary))) }
            let context = shared.base(root: root) + [
                ("page", .object(page)),
                ("content", .string(extra.html)),
                ("breadcrumbs", .list([.strings([("title", strings["home"] ?? config.title), ("url", "index.html")])])),
                ("nav", allNav),
                ("navHTML", .string(navigation.html(forPage: nil, chapter: nil, root: root))),
                ("scripts", .list((assetsByLanguage[extra.language]?.scripts ?? []).map { .strings([("src", $0)]) })),
                ("styles", .list((assetsByLanguage[extra.language]?.styles ?? []).map { .strings([("href", $0)]) })),
            ]
            return (extra.path, theme.render("page", .object(context)))
        }
        for (path, html) in rendered { files[path] = html }

        let topNav: [(String, TypedContext)] = [("nav", allNav), ("navHTML", .string(navigation.html(forPage: nil, chapter: nil, root: "")))]
        let home = shared.base(root: "") + [("page", .strings([("title", config.title), ("path", "index.html")]))] + topNav
        files["index.html"] = theme.render("home", .object(home))
        for (special, titleKey) in [("404", "notFoundTitle"), ("search", "searchTitle")] {
            let context = shared.base(root: "") + [("page", .strings([("title", strings[titleKey] ?? special), ("path", "\(special).html")]))] + topNav
            files["\(special).html"] = theme.render(special, .object(context))
        }
        return files
    }

    /// Every file the theme rendered must have content.
    static func checkNotEmpty(_ files: [String: String], themeDirectory: String) throws(BuildFailure) {
        var problems: [Diagnostic] = []
        for (path, html) in files where html.isEmpty { problems.append(emptyRender(path, themeDirectory: themeDirectory)) }
        if !problems.isEmpty { throw BuildFailure(problems) }
    }

    static func emptyRender(_ path: String, themeDirectory: String) -> Diagnostic {
        Diagnostic(stage: .render, file: themeDirectory, message: "the theme rendered `\(path)` empty", hint: "check the theme's templates")
    }

    /// Renders every page and keeps them all in memory (`handbook serve` compares them with the last build).
    func renderAll(plan: Plan) throws(BuildFailure) -> [String: String] {
        let rendered = Array(plan.pages.indices).parallelMap { index -> (String, String) in
            (plan.pages[index].outputPath, Self.renderPage(index, plan: plan))
        }
        var files = [String: String](minimumCapacity: plan.pages.count + 8)
        for (path, html) in rendered { files[path] = html }
        files.merge(Self.renderGenerated(plan: plan, extraPages: transformed.extraPages)) { $1 }
        try Self.checkNotEmpty(files, themeDirectory: site.config.themeDirectory)
        files.merge(transformed.dataFiles) { $1 }
        return files
    }

    /// The chapter list for pages outside any chapter (home, 404, search, generated pages), where no
    /// chapter is current. Content pages get their sidebar from `NavigationHTML`. URLs are root-relative.
    static func chapterList(_ chapters: [Chapter]) -> [TypedContext] {
        chapters.map { chapter in
            var item: [(String, TypedContext)] = [("title", .string(chapter.title)), ("url", .string(chapter.url)), ("current", .bool(false))]
            if let summary = chapter.summary, !summary.isEmpty { item.append(("summary", .string(summary))) }
            if let owner = chapter.owner, !owner.isEmpty { item.append(("owner", .string(owner))) }
            return .object(item)
        }
    }

    /// Links the theme shows in the sidebar and on the home page when the pages exist.
    static func extraLinks(_ pages: [Page], generatedPaths: Set<String>) -> [String: String] {
        var links: [String: String] = [:]
        if pages.contains(where: { $0.sourcePath == "forms.md" }) { links["formsUrl"] = "forms.html" }
        if generatedPaths.contains(quizIndexPath) { links["quizzesUrl"] = quizIndexPath }
        return links
    }

    static let quizIndexPath = "quizzes/index.html"

    /// What every page's context holds: the site, the UI strings (both walked once per build), the root
    /// prefix, the Content-Security-Policy and the links to pages that exist.
    struct SharedContext: Sendable {
        let site: TypedContext
        let strings: TypedContext
        let links: [(String, TypedContext)]

        init(config: SiteConfig, theme: Theme, links: [String: String]) {
            var site: [(String, TypedContext)] = [("title", .string(config.title)), ("lang", .string(config.language)),
                                                  ("edition", .string(config.edition.rawValue)), ("isExam", .bool(config.edition == .exam))]
            if !config.version.isEmpty { site.append(("version", .string(config.version))) }
            if !config.description.isEmpty { site.append(("description", .string(config.description))) }
            self.site = theme.shapes.freeze(.object(site))
            self.strings = theme.shapes.freeze(.table(theme.strings))
            self.links = links.map { ($0.key, .string($0.value)) }
        }

        func base(root: String) -> [(String, TypedContext)] {
            [("site", site), ("t", strings), ("root", .string(root)), ("csp", .string(PageRenderer.contentSecurityPolicy))] + links
        }
    }

    /// The page's front matter as the templates see it.
    static func pageFields(_ page: Page) -> TypedContext {
        var fields: [(String, TypedContext)] = [("title", .string(page.title)), ("path", .string(page.outputPath))]
        for (key, value) in [("summary", page.frontMatter.summary), ("owner", page.frontMatter.owner),
                             ("effective", page.frontMatter.effective), ("version", page.frontMatter.version)] {
            if let value, !value.isEmpty { fields.append((key, .string(value))) }
        }
        return .object(fields)
    }
}

/// The sidebar's chapter list, rendered through the theme's `partials/nav-chapter` and `partials/nav-page`.
/// Items that are the same on many pages are rendered once per folder depth and reused, so a page costs
/// one small render for its own chapter instead of a template loop over every chapter and page.
struct NavigationHTML: Sendable {
    let theme: Theme
    let chapters: [PageRenderer.Chapter]
    let pages: [Page]
    /// root prefix → every chapter's item (not current) joined, so a sidebar is two slices around the current chapter.
    private let chapterJoined: [String: JoinedItems]
    /// root prefix → chapter index → its pages' items (all but the first page, not current) joined.
    private let pagesJoined: [String: [Int: JoinedItems]]
    /// Page index → its place among its folder chapter's pages after the first.
    private let positionInChapter: [Int: Int]
    /// root prefix → window start → the chapter-level "earlier"/"later" items of that window (large sites only).
    private let chapterMoreItems: [String: [Int: (earlier: String?, later: String?)]]
    /// root prefix → folder chapter → its expanded item cut around its pages' items, for the chapter's other
    /// pages ([0]) and its first page ([1], the chapter's own item then current); nil when the item does not
    /// hold them as one verbatim run.
    private let chapterWraps: [String: [Int: [Wrap?]]]

    /// The text of a chapter's expanded item before and after its pages' items.
    struct Wrap: Sendable {
        let prefix: [UInt8]
        let suffix: [UInt8]
    }

    /// Items joined into one string with where each starts: "every item but one" is two slices, not a loop.
    struct JoinedItems: Sendable {
        let text: String
        let starts: [String.Index]

        init(_ items: [String]) {
            var text = ""
            text.reserveCapacity(items.reduce(0) { $0 + $1.utf8.count })
            var offsets = [0]
            for item in items {
                text += item
                offsets.append(text.utf8.count)
            }
            self.text = text
            self.starts = offsets.map { text.utf8.index(text.startIndex, offsetBy: $0) }
        }

        var count: Int { starts.count - 1 }
        subscript(range: Range<Int>) -> Substring { text[starts[range.lowerBound]..<starts[range.upperBound]] }
    }

    init(theme: Theme, chapters: [PageRenderer.Chapter], pages: [Page]) {
        self.theme = theme
        self.chapters = chapters
        self.pages = pages
        let roots = Set(pages.map(\.rootPrefix)).union([""])
        var chapterJoined: [String: JoinedItems] = [:]
        var pagesJoined: [String: [Int: JoinedItems]] = [:]
        var chapterWraps: [String: [Int: [Wrap?]]] = [:]
        var positionInChapter: [Int: Int] = [:]
        for chapter in chapters where chapter.isFolder {
            for (position, index) in chapter.pages.dropFirst().enumerated() { positionInChapter[index] = position }
        }
        let listed = chapters.filter(\.isFolder).flatMap { $0.pages.dropFirst() }
        // Page items are listed only in the sidebars of pages in folder chapters, which are never at the top.
        let pageRoots = Set(chapters.filter(\.isFolder).flatMap { $0.pages.map { pages[$0].rootPrefix } })
        for root in roots {
            chapterJoined[root] = JoinedItems(chapters.parallelMap { Self.chapterItem(theme, $0, root: root, current: false, childrenHTML: nil) })
            guard pageRoots.contains(root) else { continue }
            let rendered = listed.parallelMap { index in Self.pageItem(theme, pages[index], root: root, current: false) }
            let byPage = Dictionary(uniqueKeysWithValues: zip(listed, rendered))
            var joined: [Int: JoinedItems] = [:]
            for (offset, chapter) in chapters.enumerated() where chapter.isFolder {
                joined[offset] = JoinedItems(chapter.pages.dropFirst().map { byPage[$0]! })
            }
            pagesJoined[root] = joined
            let folders = chapters.indices.filter { chapters[$0].isFolder }, pageItems = joined
            let wraps = folders.parallelMap { offset in
                [false, true].map { Self.wrap(theme, chapters[offset], root: root, current: $0, children: pageItems[offset]!.text) }
            }
            chapterWraps[root] = Dictionary(uniqueKeysWithValues: zip(folders, wraps))
        }
        self.chapterJoined = chapterJoined
        self.pagesJoined = pagesJoined
        self.chapterWraps = chapterWraps
        // The chapter window depends only on the current chapter: its two "more" items are made once per window.
        var chapterMoreItems: [String: [Int: (earlier: String?, later: String?)]] = [:]
        if chapters.count > Self.chapterWindow {
            let starts = Array(0...(chapters.count - Self.chapterWindow))
            for root in roots {
                let items = starts.parallelMap { start -> (earlier: String?, later: String?) in
                    let end = start + Self.chapterWindow
                    return (start > 0 ? Self.moreItem(theme, "navEarlier", left: start, url: chapters[start - 1].url, root: root, chapterLevel: true) : nil,
                            end < chapters.count ? Self.moreItem(theme, "navLater", left: chapters.count - end, url: chapters[end].url, root: root, chapterLevel: true) : nil)
                }
                chapterMoreItems[root] = Dictionary(uniqueKeysWithValues: zip(starts, items))
            }
        }
        self.chapterMoreItems = chapterMoreItems
        self.positionInChapter = positionInChapter
    }

    static func chapterItem(_ theme: Theme, _ chapter: PageRenderer.Chapter, root: String, current: Bool, childrenHTML: String?) -> String {
        var context: [(String, TypedContext)] = [("root", .string(root)), ("title", .string(chapter.title)), ("url", .string(chapter.url)),
                                                 ("current", .bool(current))]
        if let childrenHTML {
            context.append(("expanded", .bool(true)))
            if !childrenHTML.isEmpty { context.append(("childrenHTML", .string(childrenHTML))) }
        }
        return theme.render("partials/nav-chapter", .object(context))
    }

    /// The chapter's expanded item cut where its pages' items go: rendered around a marker standing in for
    /// `children` (a page's items end as these do), and kept only if it gives `children`' own item exactly.
    static func wrap(_ theme: Theme, _ chapter: PageRenderer.Chapter, root: String, current: Bool, children: String) -> Wrap? {
        guard !children.isEmpty else { return nil }
        let marker = "\u{E000}handbook-nav-pages\u{E001}" + (children.hasSuffix("\n") ? "\n" : "")
        let marked = chapterItem(theme, chapter, root: root, current: current, childrenHTML: marker)
        let parts = marked.components(separatedBy: marker)
        guard parts.count == 2 else { return nil }
        let wrap = Wrap(prefix: Array(parts[0].utf8), suffix: Array(parts[1].utf8))
        let real = chapterItem(theme, chapter, root: root, current: current, childrenHTML: children)
        guard real.utf8.elementsEqual(wrap.prefix + Array(children.utf8) + wrap.suffix) else { return nil }
        return wrap
    }

    static func pageItem(_ theme: Theme, _ page: Page, root: String, current: Bool) -> String {
        theme.render("partials/nav-page", .object([("root", .string(root)), ("title", .string(page.title)), ("url", .string(page.outputPath)),
                                                   ("current", .bool(current))]))
    }

    /// A sidebar lists at most this many chapters, and of the current chapter at most this many pages: a
    /// window around the current one, with an item leading to the first one left out on either side. So a
    /// page's size does not grow with the site (5,000 pages in 50 chapters or 50,000 in 500); the home page
    /// lists every chapter.
    static let chapterWindow = 60
    static let pageWindow = 120

    /// The part of `0..<count` shown around `center`.
    static func window(count: Int, around center: Int, size: Int) -> Range<Int> {
        guard count > size else { return 0..<count }
        let start = min(max(0, center - size / 2), count - size)
        return start..<(start + size)
    }

    /// The item leading past the window: `key` is `navEarlier` or `navLater`, `left` how many are left out.
    /// Chapter-level items go through `partials/nav-chapter`, page-level ones through `partials/nav-page`.
    static func moreItem(_ theme: Theme, _ key: String, left: Int, url: String, root: String, chapterLevel: Bool) -> String {
        let title = (theme.strings[key] ?? (key == "navEarlier" ? "… {n}" : "{n} …")).replacingOccurrences(of: "{n}", with: String(left))
        return theme.render(chapterLevel ? "partials/nav-chapter" : "partials/nav-page",
                            .object([("root", .string(root)), ("title", .string(title)), ("url", .string(url)), ("current", .bool(false))]))
    }

    /// `html(forPage:chapter:root:)` as UTF-8, made in one buffer: the joined chapters around the current
    /// chapter's cut item around the joined pages around the page's own item (no chapter item rendered, no
    /// intermediate text). Sidebars with a window, and chapters without a cut item, are `html`'s.
    func utf8(forPage page: Int, chapter current: Int, root: String) -> [UInt8] {
        let chapter = chapters[current]
        guard chapter.isFolder, chapters.count <= Self.chapterWindow, chapter.pages.count - 1 <= Self.pageWindow,
              let joined = chapterJoined[root], let pagesJoined = pagesJoined[root]?[current],
              let wrap = chapterWraps[root]?[current]?[chapter.pages.first == page ? 1 : 0] else {
            return Array(html(forPage: page, chapter: current, root: root).utf8)
        }
        let position = positionInChapter[page]
        let item = position.map { _ in Self.pageItem(theme, pages[page], root: root, current: true) }
        var out: [UInt8] = []
        out.reserveCapacity(joined.text.utf8.count + wrap.prefix.count + pagesJoined.text.utf8.count + wrap.suffix.count + (item?.utf8.count ?? 0))
        // By their UTF-8 buffers: appending a `utf8` view goes byte by byte.
        func append(_ text: Substring) {
            var text = text
            text.withUTF8 { out.append(contentsOf: $0) }
        }
        append(joined[0..<current])
        out += wrap.prefix
        if let position, let item {
            append(pagesJoined[0..<position])
            append(item[...])
            append(pagesJoined[(position + 1)..<pagesJoined.count])
        } else {
            append(pagesJoined.text[...])
        }
        out += wrap.suffix
        append(joined[(current + 1)..<joined.count])
        return out
    }

    func html(forPage page: Int?, chapter current: Int?, root: String) -> String {
        let shown = Self.window(count: chapters.count, around: current ?? 0, size: Self.chapterWindow)
        let currentItem = current.flatMap { current in page.map { currentChapterItem(current, page: $0, root: root) } }
        // A folder depth no content page has (a generated page in a folder): its items are made here.
        let joined = chapterJoined[root]
            ?? JoinedItems(chapters.map { Self.chapterItem(theme, $0, root: root, current: false, childrenHTML: nil) })
        // Every chapter shown: the joined items, with the current chapter's item in its place.
        if shown == chapters.indices {
            guard let current, let currentItem else { return joined.text }
            var html = ""
            html.reserveCapacity(joined.text.utf8.count + currentItem.utf8.count)
            html += joined[0..<current]
            html += currentItem
            html += joined[(current + 1)..<joined.count]
            return html
        }
        var html = ""
        html.reserveCapacity(joined[shown].utf8.count + (currentItem?.utf8.count ?? 0) + 1024)
        let more = chapterMoreItems[root]?[shown.lowerBound] ?? (
            shown.lowerBound > 0 ? Self.moreItem(theme, "navEarlier", left: shown.lowerBound, url: chapters[shown.lowerBound - 1].url, root: root, chapterLevel: true) : nil,
            shown.upperBound < chapters.count ? Self.moreItem(theme, "navLater", left: chapters.count - shown.upperBound, url: chapters[shown.upperBound].url,
                                                              root: root, chapterLevel: true) : nil)
        if let earlier = more.earlier { html += earlier }
        if let current, let currentItem, shown.contains(current) {
            html += joined[shown.lowerBound..<current]
            html += currentItem
            html += joined[(current + 1)..<shown.upperBound]
        } else {
            html += joined[shown]
        }
        if let later = more.later { html += later }
        return html
    }

    /// The current chapter's item: expanded, with its pages (a window of them in a very large chapter).
    private func currentChapterItem(_ current: Int, page: Int, root: String) -> String {
        let chapter = chapters[current]
        guard chapter.isFolder else { return Self.chapterItem(theme, chapter, root: root, current: true, childrenHTML: nil) }
        let count = chapter.pages.count - 1
        let position = positionInChapter[page]
        let pagesShown = Self.window(count: count, around: position ?? 0, size: Self.pageWindow)
        var children = ""
        let joined = pagesJoined[root]?[current]
            ?? JoinedItems(chapter.pages.dropFirst().map { Self.pageItem(theme, pages[$0], root: root, current: false) })
        if pagesShown == 0..<count {
            if let position {
                let item = Self.pageItem(theme, pages[page], root: root, current: true)
                children.reserveCapacity(joined.text.utf8.count + item.utf8.count)
                children += joined[0..<position]
                children += item
                children += joined[(position + 1)..<joined.count]
            } else {
                children = joined.text
            }
        } else {
            let others = chapter.pages.dropFirst()  // a slice: copying it for every page of a large chapter would be quadratic
            children.reserveCapacity(pagesShown.count * 256)
            if pagesShown.lowerBound > 0 {
                children += Self.moreItem(theme, "navEarlier", left: pagesShown.lowerBound, url: pages[others[others.startIndex + pagesShown.lowerBound - 1]].outputPath,
                                          root: root, chapterLevel: false)
            }
            for offset in pagesShown {
                if offset == position {
                    children += Self.pageItem(theme, pages[page], root: root, current: true)
                } else {
                    children += joined[offset..<(offset + 1)]
                }
            }
            if pagesShown.upperBound < others.count {
                children += Self.moreItem(theme, "navLater", left: others.count - pagesShown.upperBound, url: pages[others[others.startIndex + pagesShown.upperBound]].outputPath,
                                          root: root, chapterLevel: false)
            }
        }
        return Self.chapterItem(theme, chapter, root: root, current: chapter.pages.first == page, childrenHTML: children)
    }
}
