import CmarkBridge
import Foundation

/// What one rebuild of a `SiteSession` did.
public struct RebuildReport: Sendable {
    public enum Kind: String, Sendable { case full, incremental }
    public var kind: Kind
    /// Pages in the site.
    public var pages: Int
    /// Content pages rendered again (incremental: the changed pages and their neighbours, or every page when a title changed).
    public var renderedPages: Int
    /// Site-relative paths written into the output folder (incremental: only files whose contents changed).
    public var writtenFiles: [String]
    /// Site-relative paths removed from the output folder.
    public var removedFiles: [String]
    /// Whether the search index was built again.
    public var indexRebuilt: Bool
    /// Whether the search index is out of date and left for `searchIndexJob()` (with `deferSearchIndex`).
    public var indexDeferred: Bool = false
    /// The block languages whose transformer finished again (data files, quiz pages): every one after a full
    /// build or a change of titles or cites, those of the changed blocks otherwise; the others kept theirs.
    public var finishedLanguages: [String] = []
    /// Whether any block transformer's finish ran again.
    public var blocksFinished: Bool { !finishedLanguages.isEmpty }
    /// Why a full build was made instead of an incremental one (nil for incremental rebuilds).
    public var fullBuildReason: String?
    public var stageMilliseconds: [(stage: String, ms: Double)]
    public var totalSeconds: Double

    public var summary: String {
        switch kind {
        case .full:
            return "full build: \(pages) pages" + (fullBuildReason.map { " (\($0))" } ?? "") + String(format: " in %.1f ms", totalSeconds * 1000)
        case .incremental:
            return "rebuilt \(renderedPages) page\(renderedPages == 1 ? "" : "s"), wrote \(writtenFiles.count) file\(writtenFiles.count == 1 ? "" : "s")"
                + (indexRebuilt ? ", search index" : indexDeferred ? " (search index follows)" : "")
                + String(format: " in %.1f ms", totalSeconds * 1000)
        }
    }
}

/// A build kept in memory between rebuilds, for `handbook serve`.
///
/// It holds the last good build: every page after pass 1 of the transform stage (heading ids, anchors,
/// blocks), every page's final tree, search sections, resolved cites, the transformers' output, the render
/// plan (chapters, navigation) and every generated file. When Markdown pages change, only those pages are
/// read, parsed and put through pass 1 again; links are checked again only where anchors changed; pages are
/// rendered again only where their HTML can differ (the page and its neighbours, or every page when a title
/// changed, since the navigation shows titles); the search index is built again only when a title or the
/// page's sections changed; and only files whose contents differ are written into the output folder.
///
/// Anything else — the theme, the config, a page added, removed or reordered, a changed page id, a
/// non-Markdown file — is a full build, the same as `Builder.build()` (atomic folder swap). On any error the
/// previous good state and output are kept, and the failed changes are tried again with the next rebuild.
public final class SiteSession {
    public let options: BuildOptions
    public let indexer: @Sendable ([IndexedSection]) -> [String: String]
    public let log: (String) -> Void

    struct State {
        var site: LoadedSite
        /// Per page (site order): the page after pass 1, before link resolution.
        var passes: [Transformer.PagePass]
        /// Per page: the final page (links resolved), as rendered.
        var pages: [Page]
        /// Per page: link and image destinations as written, for cheap re-checks when anchors change.
        var linkTargets: [[String]]
        var sections: [[IndexedSection]]
        var anchors: [String: AnchorSet]
        var resolvedCites: [String: String]
        var finished: Transformer.FinishedBlocks
        var plan: PageRenderer.Plan
        /// Every generated file (not theme or content assets), site-relative path → contents, as on disk.
        var files: [String: String]
        var indexPaths: Set<String>
        var indexBySource: [String: Int]
        /// The search index on disk is older than the pages (deferred).
        var indexStale = false
    }

    /// Leave the search index out of incremental rebuilds: the pages are written (and tabs can reload) first,
    /// and the index — the slowest part on a large site — is built by `searchIndexJob()`/`applySearchIndex`.
    public var deferSearchIndex = false
    /// Bumped whenever the sections change, so an index built from older sections is not written.
    private var indexGeneration = 0

    private var state: State?
    /// Content pages changed since the last good build (kept across failed rebuilds).
    private var pending: Set<String> = []

    public init(options: BuildOptions, log: @escaping (String) -> Void = { _ in },
                indexer: @escaping @Sendable ([IndexedSection]) -> [String: String] = SearchIndexing.files) {
        self.options = options
        self.log = log
        self.indexer = indexer
    }

    /// Whether a good build is held in memory.
    public var hasGoodBuild: Bool { state != nil }

    /// The output folder of the last good build.
    public var outputDirectory: URL? { state?.site.outputDirectory }

    /// The generated files of the last good build (site-relative path → contents).
    public var generatedFiles: [String: String] { state?.files ?? [:] }

    /// The folders and files a watcher should poll: content, theme, the config, the company calendar.
    public func watchedPaths() -> (contentDirectory: URL, themeDirectory: URL, others: [URL]) {
        let root = options.root.standardizedFileURL
        if let site = state?.site {
            var others = [root.appendingPathComponent(options.configFile)]
            if let calendar = site.config.companyCalendar { others.append(SiteLoader.resolve(calendar, against: root)) }
            return (site.contentDirectory, site.theme.directory, others)
        }
        // No good build yet: watch what the config names, or the defaults.
        let configURL = root.appendingPathComponent(options.configFile)
        var config: SiteConfig?
        if let text = try? String(contentsOf: configURL, encoding: .utf8) { config = try? SiteConfig.parse(text, file: options.configFile) }
        return (SiteLoader.resolve(config?.contentDirectory ?? "content", against: root),
                SiteLoader.resolve(config?.themeDirectory ?? "theme", against: root), [configURL])
    }

    // MARK: Full build

    /// Builds everything, swapping the output folder atomically (as `handbook build`), and keeps the build in memory.
    @discardableResult
    public func fullBuild(reason: String? = nil) throws(BuildFailure) -> RebuildReport {
        let started = Date()
        var timings: [(String, Double)] = []
        func timed<T>(_ stage: String, _ body: () throws(BuildFailure) -> T) throws(BuildFailure) -> T {
            let t0 = Date()
            let result = try body()
            timings.append((stage, Date().timeIntervalSince(t0) * 1000))
            return result
        }
        var site = try timed("load") { () throws(BuildFailure) in try SiteLoader.load(options) }
        try timed("parse") { () throws(BuildFailure) in try Builder.parse(&site) }
        let transformer = Transformer(site: site, transformers: options.transformers)
        let byLanguage = transformer.byLanguage
        let (passes, transformed) = try timed("transform") { () throws(BuildFailure) in
            let passes = site.pages.parallelMap { transformer.firstPass($0, byLanguage: byLanguage) }
            return (passes, try transformer.complete(passes))
        }
        site.pages = transformed.pages
        let renderer = PageRenderer(site: site, transformed: transformed, transformers: options.transformers)
        let plan = renderer.plan()
        var files = try timed("render") { () throws(BuildFailure) in try renderer.renderAll(plan: plan) }
        let indexFiles = try timed("index") { () throws(BuildFailure) in indexer(transformed.sections) }
        files.merge(indexFiles) { $1 }
        try timed("emit") { () throws(BuildFailure) in try Emitter(site: site).emit(files) }

        // Bookkeeping for incremental rebuilds.
        var sections = [[IndexedSection]](repeating: [], count: site.pages.count)
        var pageIndex: [String: Int] = [:]
        for (index, page) in site.pages.enumerated() { pageIndex[page.outputPath] = index }
        for section in transformed.sections { if let index = pageIndex[section.pageOutputPath] { sections[index].append(section) } }
        let linkTargets = passes.parallelMap { pass -> [String] in pass.page.tree.map(Self.linkTargets) ?? [] }
        state = State(site: site, passes: passes, pages: site.pages, linkTargets: linkTargets, sections: sections,
                      anchors: Dictionary(uniqueKeysWithValues: passes.map { ($0.page.sourcePath, $0.page.anchors) }),
                      resolvedCites: transformed.resolvedCites,
                      finished: transformed.finished,
                      plan: plan, files: files, indexPaths: Set(indexFiles.keys),
                      indexBySource: Dictionary(uniqueKeysWithValues: site.pages.enumerated().map { ($1.sourcePath, $0) }))
        pending.removeAll()
        indexGeneration += 1
        return RebuildReport(kind: .full, pages: site.pages.count, renderedPages: site.pages.count, writtenFiles: Array(files.keys),
                             removedFiles: [], indexRebuilt: true, finishedLanguages: options.transformers.map(\.language).sorted(),
                             fullBuildReason: reason, stageMilliseconds: timings,
                             totalSeconds: Date().timeIntervalSince(started))
    }

    // MARK: Incremental rebuild

    /// Rebuilds after Markdown pages changed (paths relative to the content folder). Falls back to a full build
    /// when the change is not one a page-level rebuild can handle.
    @discardableResult
    public func rebuild(changedPages: Set<String>) throws(BuildFailure) -> RebuildReport {
        pending.formUnion(changedPages)
        guard let state else { return try fullBuild(reason: "no previous good build") }
        let fm = FileManager.default
        for path in pending {
            guard path.hasSuffix(".md"), state.indexBySource[path] != nil else { return try fullBuild(reason: "pages added or removed") }
            guard fm.fileExists(atPath: state.site.contentDirectory.appendingPathComponent(path).path) else {
                return try fullBuild(reason: "pages added or removed")
            }
        }
        switch try incremental(state: state, changed: pending.sorted()) {
        case .fullBuild(let reason):
            return try fullBuild(reason: reason)
        case .done(let newState, let report):
            self.state = newState
            if report.indexDeferred || report.indexRebuilt { indexGeneration += 1 }
            pending.removeAll()
            return report
        }
    }

    /// Rebuilds after any change: a full build when anything but existing Markdown pages changed.
    @discardableResult
    public func rebuild(changedPages: Set<String>, otherChanges: Bool) throws(BuildFailure) -> RebuildReport {
        if otherChanges {
            pending.formUnion(changedPages)
            return try fullBuild(reason: "theme, config or content files changed")
        }
        return try rebuild(changedPages: changedPages)
    }

    enum Outcome {
        case fullBuild(String)
        case done(State, RebuildReport)
    }

    /// Whether two pages' block artifacts are the same, language by language and in order. Artifacts that are
    /// not `Equatable` count as changed.
    static func sameArtifacts(_ a: [(String, any Sendable)], _ b: [(String, any Sendable)]) -> Bool {
        guard a.count == b.count else { return false }
        func equal<T: Equatable>(_ first: T, _ second: any Sendable) -> Bool { (second as? T) == first }
        for (x, y) in zip(a, b) {
            guard x.0 == y.0, let first = x.1 as? any Equatable, equal(first, y.1) else { return false }
        }
        return true
    }

    private func incremental(state old: State, changed: [String]) throws(BuildFailure) -> Outcome {
        let started = Date()
        var timings: [(String, Double)] = []
        var t0 = Date()
        func lap(_ stage: String) {
            let now = Date()
            timings.append((stage, now.timeIntervalSince(t0) * 1000))
            t0 = now
        }
        var state = old
        let contentDirectory = state.site.config.contentDirectory

        // Load and parse the changed pages.
        var problems: [Diagnostic] = []
        var indices: [Int] = []
        for path in changed {
            let index = state.indexBySource[path]!
            switch SiteLoader.loadPage(path, contentDir: state.site.contentDirectory, contentDirectory: contentDirectory) {
            case .failure(let failure):
                problems += failure.diagnostics
            case .success(var page):
                let before = old.passes[index].page.frontMatter
                if page.frontMatter.order != before.order || page.frontMatter.id != before.id {
                    return .fullBuild("page order or id changed in \(page.displayPath)")
                }
                switch CmarkParser.parseChecked(page.body) {
                case .success(let tree):
                    page.tree = tree
                    state.site.pages[index] = page
                    indices.append(index)
                case .failure(let tooDeep):
                    problems.append(Builder.nestingDiagnostic(tooDeep, page: page))
                }
            }
        }
        if !problems.isEmpty { throw BuildFailure(problems) }
        lap("load+parse")

        // Transform, pass 1 for the changed pages.
        let transformer = Transformer(site: state.site, transformers: options.transformers)
        let byLanguage = transformer.byLanguage
        var anchorsChanged = false
        for index in indices {
            let pass = transformer.firstPass(state.site.pages[index], byLanguage: byLanguage)
            problems += pass.problems
            if pass.page.anchors != old.passes[index].page.anchors { anchorsChanged = true }
            state.passes[index] = pass
            state.anchors[pass.page.sourcePath] = pass.page.anchors
            state.linkTargets[index] = pass.page.tree.map(Self.linkTargets) ?? []
        }
        if !problems.isEmpty { throw BuildFailure(problems) }

        // Pass 2: the changed pages' links; every other page's links only if anchors changed (a cheap check,
        // and the full resolution, with its diagnostics, only for a page with a link that no longer resolves).
        let resolver = LinkResolver(anchors: state.anchors, assets: Set(state.site.contentAssets))
        var relink = Set(indices)
        if anchorsChanged {
            let targets = state.linkTargets, pages = state.passes.map(\.page.sourcePath)
            let broken = Array(state.passes.indices).parallelMap { index -> Bool in
                targets[index].contains { destination in
                    switch resolver.resolve(destination, from: pages[index]) {
                    case .missingPage, .missingAnchor: return true
                    case .external, .rewritten, .unverifiedAnchor: return false
                    }
                }
            }
            for (index, isBroken) in broken.enumerated() where isBroken { relink.insert(index) }
        }
        for index in relink.sorted() {
            var page = state.passes[index].page
            if var tree = page.tree {
                page.tree = nil
                Transformer.resolveLinks(&tree, page: page, resolver: resolver, problems: &problems)
                page.tree = tree
            }
            state.pages[index] = page
        }
        if anchorsChanged {
            state.resolvedCites = Transformer.resolveReferences(state.passes.flatMap(\.references), resolver: resolver, problems: &problems)
        } else {
            // No anchors changed, so every other page's cites resolve as they did (they did, or the last build
            // would have failed): only the changed pages' cites are resolved again (keys start with their page).
            for index in indices {
                for reference in old.passes[index].references {
                    state.resolvedCites.removeValue(forKey: ReferenceKey.make(page: reference.pagePath, target: reference.target))
                }
            }
            let changed = Transformer.resolveReferences(indices.flatMap { state.passes[$0].references }, resolver: resolver, problems: &problems)
            state.resolvedCites.merge(changed) { $1 }
        }
        if !problems.isEmpty { throw BuildFailure(problems) }

        // The transformers' finish, only when blocks, cites or titles changed.
        let titlesChanged = indices.contains { state.pages[$0].title != old.pages[$0].title }
        // The block languages whose artifacts on a changed page differ from the old ones (definition, page, line, HTML).
        var blockLanguages: Set<String> = []
        for index in indices {
            let new = state.passes[index].artifacts, before = old.passes[index].artifacts
            for language in Set(new.map(\.0) + before.map(\.0))
            where !Self.sameArtifacts(new.filter { $0.0 == language }, before.filter { $0.0 == language }) {
                blockLanguages.insert(language)
            }
        }
        let citesChanged = state.resolvedCites != old.resolvedCites
        let finishNeeded = !blockLanguages.isEmpty || titlesChanged || citesChanged
        // Titles and cites reach every transformer; otherwise only the languages of the changed blocks finish again.
        let changedLanguages = titlesChanged || citesChanged ? Set(options.transformers.map(\.language)) : blockLanguages
        if finishNeeded {
            let artifacts = Transformer.artifactsByLanguage(state.passes.map(\.artifacts))
            state.finished = try transformer.finishBlocks(artifacts: artifacts, resolvedCites: state.resolvedCites, pages: state.pages,
                                                          previous: old.finished, changed: changedLanguages)
        }
        var sectionsChanged = false
        for index in indices {
            let sections = Transformer.sections(of: state.pages[index], blockTexts: state.passes[index].texts)
            if !Self.same(sections, old.sections[index]) { sectionsChanged = true }
            state.sections[index] = sections
        }
        lap("transform")

        // Render: the changed pages and their neighbours, or every page when titles changed.
        var languagesByPage = state.plan.languagesByPage
        for index in indices { languagesByPage[state.pages[index].outputPath] = state.passes[index].languages }
        let hadQuizIndex = old.finished.extraPages.contains { $0.path == PageRenderer.quizIndexPath }
        let hasQuizIndex = state.finished.extraPages.contains { $0.path == PageRenderer.quizIndexPath }
        let chapterInfoChanged = indices.contains {
            state.pages[$0].frontMatter.summary != old.pages[$0].frontMatter.summary
                || state.pages[$0].frontMatter.owner != old.pages[$0].frontMatter.owner
        }
        let renderAll = titlesChanged || hadQuizIndex != hasQuizIndex
        state.site.pages = state.pages
        if renderAll || chapterInfoChanged {
            let transformed = TransformedSite(pages: state.pages, sections: [], languagesByPage: languagesByPage, finished: state.finished)
            state.plan = PageRenderer(site: state.site, transformed: transformed, transformers: options.transformers).plan()
        } else {
            state.plan.pages = state.pages
            state.plan.languagesByPage = languagesByPage
        }
        var toRender = Set<Int>()
        if renderAll {
            toRender = Set(state.pages.indices)
        } else {
            for index in indices { toRender.formUnion([index - 1, index, index + 1].filter(state.pages.indices.contains)) }
        }
        let plan = state.plan
        let rendered = toRender.sorted().parallelMap { index -> (String, String) in
            (plan.pages[index].outputPath, PageRenderer.renderPage(index, plan: plan))
        }
        var files: [String: String] = [:]
        for (path, html) in rendered { files[path] = html }
        // Home, 404 and search are small and show chapter summaries; extra pages only when the blocks were finished
        // again, and then only those that changed (unless every page is rendered anyway).
        var extraToRender: [GeneratedPage] = []
        if renderAll {
            extraToRender = state.finished.extraPages
        } else if finishNeeded {
            let before = Dictionary(old.finished.extraPages.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
            extraToRender = state.finished.extraPages.filter { before[$0.path] != $0 }
        }
        files.merge(PageRenderer.renderGenerated(plan: plan, extraPages: extraToRender)) { $1 }
        try PageRenderer.checkNotEmpty(files, themeDirectory: state.site.config.themeDirectory)
        lap("render")

        // The new set of generated files.
        var newFiles = old.files
        newFiles.merge(files) { $1 }
        if finishNeeded {
            for path in old.finished.dataFiles.keys where state.finished.dataFiles[path] == nil { newFiles.removeValue(forKey: path) }
            for extra in old.finished.extraPages where !state.finished.extraPages.contains(where: { $0.path == extra.path }) {
                newFiles.removeValue(forKey: extra.path)
            }
            newFiles.merge(state.finished.dataFiles) { $1 }
        }
        var touched = Set(files.keys)
        if finishNeeded { touched.formUnion(state.finished.dataFiles.keys) }
        let indexNeeded = titlesChanged || sectionsChanged
        var indexDeferred = false
        if (indexNeeded || state.indexStale) && deferSearchIndex {
            state.indexStale = true
            indexDeferred = true
        } else if indexNeeded || state.indexStale {
            let indexFiles = indexer(state.sections.flatMap { $0 })
            for path in state.indexPaths where indexFiles[path] == nil { newFiles.removeValue(forKey: path) }
            newFiles.merge(indexFiles) { $1 }
            touched.formUnion(indexFiles.keys)
            state.indexPaths = Set(indexFiles.keys)
            state.indexStale = false
        }
        lap("index")

        // Emit: only what differs.
        let written = touched.filter { newFiles[$0] != nil && old.files[$0] != newFiles[$0] }
        // Only data files, extra pages and index files can go away in an incremental rebuild.
        let candidates = Set(old.finished.dataFiles.keys).union(old.finished.extraPages.map(\.path)).union(old.indexPaths)
        let removed = candidates.filter { old.files[$0] != nil && newFiles[$0] == nil }
        try Self.write(written.sorted(), from: newFiles, removing: removed.sorted(), into: state.site.outputDirectory,
                       display: state.site.config.outputDirectory)
        state.files = newFiles
        lap("emit")

        let report = RebuildReport(kind: .incremental, pages: state.pages.count, renderedPages: toRender.count, writtenFiles: written.sorted(),
                                   removedFiles: removed.sorted(), indexRebuilt: indexNeeded && !indexDeferred, indexDeferred: indexDeferred,
                                   finishedLanguages: finishNeeded ? changedLanguages.sorted() : [], fullBuildReason: nil,
                                   stageMilliseconds: timings,
                                   totalSeconds: Date().timeIntervalSince(started))
        return .done(state, report)
    }

    // MARK: Deferred search index

    /// The sections to index when the index on disk is out of date (with `deferSearchIndex`), else nil.
    public func searchIndexJob() -> (generation: Int, sections: [IndexedSection])? {
        guard let state, state.indexStale else { return nil }
        return (indexGeneration, state.sections.flatMap { $0 })
    }

    /// Writes an index built from `searchIndexJob()`'s sections, unless the pages changed since (then nil:
    /// a newer job is due). Returns the files written.
    public func applySearchIndex(_ indexFiles: [String: String], generation: Int) throws(BuildFailure) -> [String]? {
        guard var state, state.indexStale, generation == indexGeneration else { return nil }
        var newFiles = state.files
        var removed: [String] = []
        for path in state.indexPaths where indexFiles[path] == nil {
            newFiles.removeValue(forKey: path)
            removed.append(path)
        }
        newFiles.merge(indexFiles) { $1 }
        let written = indexFiles.keys.filter { state.files[$0] != indexFiles[$0] }.sorted()
        try Self.write(written, from: newFiles, removing: removed.sorted(), into: state.site.outputDirectory,
                       display: state.site.config.outputDirectory)
        state.files = newFiles
        state.indexPaths = Set(indexFiles.keys)
        state.indexStale = false
        self.state = state
        return written + removed
    }

    // MARK: Helpers

    /// Link and image destinations in a tree, as written, in document order (the node order).
    static func linkTargets(_ tree: MarkdownTree) -> [String] {
        tree.nodes.indices.compactMap { index in
            let node = tree[index]
            return node.kind == .link || node.kind == .image ? tree.string(node.first) : nil
        }
    }

    static func same(_ a: [IndexedSection], _ b: [IndexedSection]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in
            x.pageTitle == y.pageTitle && x.heading == y.heading && x.anchor == y.anchor
                && x.pageOutputPath == y.pageOutputPath && x.text == y.text
        }
    }

    /// Writes each file through a temporary file and a rename, so a reader never sees half a file.
    static func write(_ paths: [String], from files: [String: String], removing removed: [String], into output: URL,
                      display: String) throws(BuildFailure) {
        let fm = FileManager.default
        do {
            for path in paths {
                let target = output.appendingPathComponent(path)
                let folder = target.deletingLastPathComponent()
                if !fm.fileExists(atPath: folder.path) { try fm.createDirectory(at: folder, withIntermediateDirectories: true) }
                let temporary = folder.appendingPathComponent(".\(target.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
                try Data(files[path]!.utf8).write(to: temporary)
                if rename(temporary.path, target.path) != 0 {
                    try? fm.removeItem(at: temporary)
                    throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
                }
            }
            for path in removed { try? fm.removeItem(at: output.appendingPathComponent(path)) }
        } catch {
            throw BuildFailure([Diagnostic(stage: .emit, file: display, message: "cannot write the site: \(error.localizedDescription)",
                                           hint: "check that the folder is writable and the disk is not full")])
        }
    }
}
