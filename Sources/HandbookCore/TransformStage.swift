import CmarkBridge
import Foundation
import HandbookSearch

/// Result of the transform stage.
struct TransformedSite: Sendable {
    var pages: [Page]
    var sections: [IndexedSection]
    /// Per page output path: the transformer languages it uses.
    var languagesByPage: [String: Set<String>]
    /// The transformers' finish: data files, block counts and extra pages.
    var finished = Transformer.FinishedBlocks(parts: [])
    /// Every block's artifact, by transformer language, in page order.
    var artifacts: [String: [any Sendable]] = [:]
    /// Block references (cites) resolved to site-relative URLs, keyed by `ReferenceKey.make`.
    var resolvedCites: [String: String] = [:]

    var blockCounts: [String: Int] { finished.counts }
    /// Data files from the block transformers (path → contents).
    var dataFiles: [String: String] { finished.dataFiles }
    var extraPages: [GeneratedPage] { finished.extraPages }
}

/// The transform stage: heading ids, fenced blocks, then links and block references against all anchors.
struct Transformer {
    private(set) var pages: [Page]
    let contentAssets: [String]
    let config: SiteConfig
    let transformers: [any BlockTransformer]
    /// Off for a single document (`handbook render`): its links cannot be checked against other pages.
    var checkReferences = true

    init(site: LoadedSite, transformers: [any BlockTransformer]) {
        self.pages = site.pages
        self.contentAssets = site.contentAssets
        self.config = site.config
        self.transformers = transformers
    }

    init(document: Page, config: SiteConfig, transformers: [any BlockTransformer]) {
        self.pages = [document]
        self.contentAssets = []
        self.config = config
        self.transformers = transformers
        self.checkReferences = false
    }

    /// A page and its blocks' search texts, for pass 2.
    struct LinkJob: Sendable {
        var page: Page
        var texts: [Int: String]
    }

    /// Pass 1 for one page: heading ids, anchors and fenced blocks. Depends on nothing but the page itself.
    struct PagePass: Sendable {
        var page: Page
        var artifacts: [(String, any Sendable)] = []
        var references: [BlockReference] = []
        var texts: [Int: String] = [:]
        var languages: Set<String> = []
        var problems: [Diagnostic] = []
        /// Links resolved in the same walk (when `firstPass` is given a resolver), in document order.
        var links: [LinkIssue] = []
    }

    var byLanguage: [String: any BlockTransformer] {
        Dictionary(transformers.map { ($0.language, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// With `resolver` (one that defers anchor checks, `LinkResolver(pages:assets:)`), links are rewritten in
    /// the same walk and their issues collected in `PagePass.links`; without, pass 2 resolves them.
    func firstPass(_ original: consuming Page, byLanguage: [String: any BlockTransformer], resolver: LinkResolver? = nil) -> PagePass {
        var page = original
        guard var tree = page.tree else { return PagePass(page: page) }
        page.tree = nil  // `tree` is now the only reference, so the pass changes it in place
        var pass = PagePass(page: page)
        var ids = HeadingIDGenerator()
        var headings: [Page.Heading] = []
        var anchors: AnchorSet = []
        // Room for the top-level headings' ids and anchors (most of a page's): the sets do not grow step by step.
        var topHeadings = 0
        for child in tree.children(of: MarkdownTree.root) where tree[child].kind == .heading { topHeadings += 1 }
        ids.reserveCapacity(topHeadings)
        anchors.reserveCapacity(topHeadings)
        headings.reserveCapacity(topHeadings)
        var collected: [String: [any Sendable]] = [:]
        var blockNumber = 0
        tree.forEachChild(of: MarkdownTree.root) { child, tree in
            transformNode(child, in: &tree, page: pass.page, ids: &ids, headings: &headings, anchors: &anchors, byLanguage: byLanguage,
                          artifacts: &collected, references: &pass.references, texts: &pass.texts, blockNumber: &blockNumber,
                          languages: &pass.languages, problems: &pass.problems, resolver: resolver, links: &pass.links)
        }
        // Keep block order within the page: transformNode appends per language in document order.
        for (language, items) in collected.sorted(by: { $0.key < $1.key }) { pass.artifacts += items.map { (language, $0) } }
        pass.page.tree = tree
        pass.page.headings = headings
        pass.page.anchors = anchors
        return pass
    }

    /// Runs both passes. Takes the pages out of the transformer, so that each page's tree is changed in place
    /// and the untransformed trees are freed as the pass goes (the caller should not keep the pages either).
    mutating func run() throws(BuildFailure) -> TransformedSite {
        let byLanguage = self.byLanguage
        let input = pages
        pages = []
        let transformer = self
        // Pass 1: headings and blocks, page by page in parallel (anchors must all be known before links are checked).
        let passes = (consume input).parallelMapConsuming { original -> PagePass in transformer.firstPass(original, byLanguage: byLanguage) }
        return try transformer.complete(consume passes)
    }

    /// Everything after pass 1: links and references against all anchors, the transformers' finish, search sections.
    func complete(_ passes: consuming [PagePass]) throws(BuildFailure) -> TransformedSite {
        var problems: [Diagnostic] = []
        var pages: [Page] = []
        pages.reserveCapacity(passes.count)
        let artifacts = Self.artifactsByLanguage(passes.map(\.artifacts))
        var references: [BlockReference] = []
        var blockTexts: [[Int: String]] = []
        var languagesByPage: [String: Set<String>] = [:]
        for index in passes.indices {
            let pass = passes[index]
            pages.append(pass.page)
            passes[index].page.tree = nil
            references += pass.references
            blockTexts.append(pass.texts)
            languagesByPage[pass.page.outputPath] = pass.languages
            problems += pass.problems
        }
        if !problems.isEmpty { throw BuildFailure(problems) }
        guard checkReferences else {
            return TransformedSite(pages: pages, sections: [], languagesByPage: languagesByPage)
        }

        // Pass 2: links and references; then each page's search sections.
        let resolver = Self.linkResolver(pages: pages, assets: contentAssets)
        let jobs = zip(pages, blockTexts).map { LinkJob(page: $0, texts: $1) }
        pages = []
        blockTexts = []
        let linked = (consume jobs).parallelMapConsuming { (job: consuming LinkJob) -> (Page, [Diagnostic], [IndexedSection]) in
            var problems: [Diagnostic] = []
            if var tree = job.page.tree {
                job.page.tree = nil  // `tree` is the only reference now: links are rewritten in place, nothing copied
                Self.resolveLinks(&tree, page: job.page, resolver: resolver, problems: &problems)
                job.page.tree = tree
            }
            return (job.page, problems, Self.sections(of: job.page, blockTexts: job.texts))
        }
        pages = []
        var sections: [IndexedSection] = []
        for (page, pageProblems, pageSections) in linked {
            pages.append(page)
            problems += pageProblems
            sections += pageSections
        }
        let resolvedCites = Self.resolveReferences(references, resolver: resolver, problems: &problems)
        if !problems.isEmpty { throw BuildFailure(problems) }

        let finished = try finishBlocks(artifacts: artifacts, resolvedCites: resolvedCites, pages: pages)
        return TransformedSite(pages: pages, sections: sections, languagesByPage: languagesByPage, finished: finished, artifacts: artifacts,
                               resolvedCites: resolvedCites)
    }

    /// Pages' block artifacts gathered by transformer language, in page order (what `finishBlocks` takes).
    static func artifactsByLanguage(_ pages: some Sequence<[(String, any Sendable)]>) -> [String: [any Sendable]] {
        var artifacts: [String: [any Sendable]] = [:]
        for page in pages { for (language, artifact) in page { artifacts[language, default: []].append(artifact) } }
        return artifacts
    }

    static func linkResolver(pages: [Page], assets: [String]) -> LinkResolver {
        LinkResolver(anchors: Dictionary(uniqueKeysWithValues: pages.map { ($0.sourcePath, $0.anchors) }), assets: Set(assets))
    }

    /// Resolves every block reference (cites) against all pages' anchors; keys as `ReferenceKey.make`.
    static func resolveReferences(_ references: [BlockReference], resolver: LinkResolver, problems: inout [Diagnostic]) -> [String: String] {
        var resolvedCites: [String: String] = [:]
        for reference in references {
            let key = ReferenceKey.make(page: reference.pagePath, target: reference.target)
            switch resolver.resolve(reference.target, from: reference.pagePath) {
            case .rewritten(let url), .unverifiedAnchor(let url, _, _):
                // Data files live at the site root, so cites are resolved relative to it.
                resolvedCites[key] = Self.siteRelative(url, from: reference.pagePath)
            case .external:
                if reference.target.hasPrefix("#") {
                    resolvedCites[key] = String(reference.pagePath.dropLast(3)) + ".html" + reference.target
                } else {
                    problems.append(Diagnostic(stage: .transform, file: reference.displayPath, line: reference.line, column: reference.column,
                                               message: "cite `\(reference.target)` is not a handbook page",
                                               hint: "cite a clause as `page.md#第N条` or `#第N条`"))
                }
            case .missingPage(let target):
                problems.append(Diagnostic(stage: .transform, file: reference.displayPath, line: reference.line, column: reference.column,
                                           message: "cite `\(reference.target)` names a page that does not exist (`\(target)`)",
                                           hint: "check the file name in content/"))
            case .missingAnchor(let target, let anchor):
                problems.append(Diagnostic(stage: .transform, file: reference.displayPath, line: reference.line, column: reference.column,
                                           message: "cite `\(reference.target)`: \(target) has no heading `#\(anchor)`",
                                           hint: Self.anchorHint(anchor, in: resolver.anchors[target] ?? [])))
            }
        }
        return resolvedCites
    }

    /// What the transformers' finish made, kept per transformer so that `handbook serve` can redo only the
    /// transformers whose blocks changed.
    struct FinishedBlocks: Sendable {
        struct Part: Sendable {
            var dataFiles: [String: String]
            var count: Int
            var extraPages: [GeneratedPage]
        }

        /// In transformer order.
        let parts: [(language: String, part: Part)]
        /// Every transformer's data files (a later transformer's file of the same path wins), counts and pages.
        let dataFiles: [String: String]
        let counts: [String: Int]
        let extraPages: [GeneratedPage]

        init(parts: [(language: String, part: Part)]) {
            self.parts = parts
            dataFiles = parts.reduce(into: [:]) { files, entry in files.merge(entry.part.dataFiles) { $1 } }
            counts = Dictionary(parts.map { ($0.language, $0.part.count) }, uniquingKeysWith: { $1 })
            extraPages = parts.flatMap(\.part.extraPages)
        }

        func part(_ language: String) -> Part? { parts.first { $0.language == language }?.part }
    }

    /// Hands every transformer all its artifacts (in page order): data files, block counts, extra pages.
    /// With `previous`, a transformer whose language is not in `changed` keeps what it made before.
    func finishBlocks(artifacts: [String: [any Sendable]], resolvedCites: [String: String], pages: [Page],
                      previous: FinishedBlocks? = nil, changed: Set<String> = []) throws(BuildFailure) -> FinishedBlocks {
        var problems: [Diagnostic] = []
        var parts: [(language: String, part: FinishedBlocks.Part)] = []
        let titles = Dictionary(uniqueKeysWithValues: pages.map { ($0.sourcePath, $0.title) })
        for transformer in transformers {
            if let previous, !changed.contains(transformer.language), let kept = previous.part(transformer.language) {
                parts.append((transformer.language, kept))
                continue
            }
            let collected = artifacts[transformer.language] ?? []
            let extraPages = transformer.extraPages(artifacts: collected, pageTitles: titles, config: config)
            do {
                let dataFiles = try transformer.finish(artifacts: collected, resolvedCites: resolvedCites, config: config)
                parts.append((transformer.language, FinishedBlocks.Part(dataFiles: dataFiles, count: collected.count, extraPages: extraPages)))
            } catch {
                problems += error.diagnostics
            }
        }
        if !problems.isEmpty { throw BuildFailure(problems) }
        return FinishedBlocks(parts: parts)
    }

    /// `05-complaints.html#x` written relative to a page in a folder → relative to the site root.
    static func siteRelative(_ url: String, from page: String) -> String {
        let depth = LinkResolver.folderDepth(page)
        // Cut at the last `/` byte, as `folderDepth` counts them (page paths are normalised: no empty parts).
        let folder = LinkResolver.folder(of: page)
        var rest = url
        for _ in 0..<depth where rest.hasPrefix("../") { rest.removeFirst(3) }
        return depth > 0 && !url.hasPrefix("../") ? folder + "/" + rest : rest
    }

    static func anchorHint(_ anchor: String, in anchors: AnchorSet) -> String {
        let close = anchors.sorted().filter { $0.contains(anchor) || anchor.contains($0) }.prefix(3)
        if !close.isEmpty { return "did you mean " + close.map { "#\($0)" }.joined(separator: ", ") + "?" }
        return "headings get ids from their text; `### 第31条 …` gets `#第31条`; or add `{#id}` to a heading"
    }

    private func transformNode(_ index: Int, in tree: inout MarkdownTree, page: Page, ids: inout HeadingIDGenerator, headings: inout [Page.Heading],
                               anchors: inout AnchorSet, byLanguage: [String: any BlockTransformer],
                               artifacts: inout [String: [any Sendable]], references: inout [BlockReference],
                               texts: inout [Int: String], blockNumber: inout Int, languages: inout Set<String>,
                               problems: inout [Diagnostic], resolver: LinkResolver?, links: inout [LinkIssue]) {
        let node = tree[index]
        switch node.kind {
        case .heading:
            var text = tree.plainText(of: index)
            var explicit: String?
            if let split = HeadingIDGenerator.explicitID(in: text), let last = tree.lastChild(of: index), tree[last].kind == .text,
               let lastSplit = HeadingIDGenerator.explicitID(in: tree.string(tree[last].first)) {
                explicit = split.id
                text = split.text
                if lastSplit.text.isEmpty {
                    tree.removeLastChild(of: index)
                } else {
                    tree[last].first = tree.store(lastSplit.text)
                }
            }
            let id = ids.makeID(for: text, explicit: explicit)
            if explicit != nil, anchors.contains(id) {
                problems.append(Diagnostic(stage: .transform, file: page.displayPath, line: node.start.line,
                                           column: page.source.characterColumn(line: node.start.line, byteColumn: node.start.column),
                                           message: "heading id `\(id)` is used twice on this page", hint: "choose another `{#id}`"))
            }
            tree.setAnchor(id, of: index)
            anchors.insert(id)
            headings.append(Page.Heading(level: Int(node.level), id: id, text: text))
            if let resolver {  // a link inside the heading
                tree.forEachChild(of: index) { Self.resolveLinks($0, in: &$1, page: page, resolver: resolver, issues: &links) }
            }
        case .codeBlock:
            let info = tree.string(node.second)
            let language = String(info.split(separator: " ", maxSplits: 1).first ?? "")
            guard let transformer = byLanguage[language] else { return }
            let block = FencedBlock(info: info, literal: tree.string(node.first), pagePath: page.sourcePath, displayPath: page.displayPath,
                                    contentLine: node.start.line + 1,
                                    contentColumn: page.source.characterColumn(line: node.start.line, byteColumn: node.start.column))
            do {
                let result = try transformer.transform(block, config: config)
                artifacts[language, default: []].append(result.artifact)
                references += result.references
                for anchor in result.anchors {
                    if anchors.contains(anchor) {
                        problems.append(Diagnostic(stage: .transform, file: page.displayPath, line: node.start.line,
                                                   message: "id `\(anchor)` is used twice on this page", hint: "give the block a different id"))
                    }
                    anchors.insert(anchor)
                }
                languages.insert(language)
                texts[blockNumber] = result.searchText
                blockNumber += 1
                tree[index].kind = .generatedHTML
                tree[index].first = tree.store(result.html)
                tree[index].second = .empty
            } catch {
                problems += error.diagnostics
            }
        case .link, .image:
            if let resolver { Self.resolveLink(index, in: &tree, page: page, resolver: resolver, issues: &links) }
            fallthrough
        default:
            tree.forEachChild(of: index) { child, tree in
                transformNode(child, in: &tree, page: page, ids: &ids, headings: &headings, anchors: &anchors, byLanguage: byLanguage,
                              artifacts: &artifacts, references: &references, texts: &texts, blockNumber: &blockNumber,
                              languages: &languages, problems: &problems, resolver: resolver, links: &links)
            }
        }
    }

    /// Rewrites links and images between pages to `.html` URLs, in place; a missing target is a diagnostic.
    static func resolveLinks(_ tree: inout MarkdownTree, page: Page, resolver: LinkResolver, problems: inout [Diagnostic]) {
        var issues: [LinkIssue] = []
        resolveLinks(MarkdownTree.root, in: &tree, page: page, resolver: resolver, issues: &issues)
        for case .problem(let problem) in issues { problems.append(problem) }
    }

    /// The same for a node and its descendants, for a resolver that may not know the pages' anchors yet: such
    /// links come back as `LinkIssue.anchor`, in document order with the problems, to be checked once every
    /// page is transformed.
    static func resolveLinks(_ index: Int, in tree: inout MarkdownTree, page: Page, resolver: LinkResolver, issues: inout [LinkIssue]) {
        resolveLink(index, in: &tree, page: page, resolver: resolver, issues: &issues)
        tree.forEachChild(of: index) { resolveLinks($0, in: &$1, page: page, resolver: resolver, issues: &issues) }
    }

    /// Rewrites node `index` if it is a link or an image (not its children).
    static func resolveLink(_ index: Int, in tree: inout MarkdownTree, page: Page, resolver: LinkResolver, issues: inout [LinkIssue]) {
        let node = tree[index]
        guard node.kind == .link || node.kind == .image else { return }
        let destination = tree.string(node.first)
        let line = node.start.line
        var column: Int { page.source.characterColumn(line: line, byteColumn: node.start.column) }  // only for a diagnostic
        switch resolver.resolve(destination, from: page.sourcePath) {
        case .external:
            break
        case .rewritten(let url):
            tree[index].first = tree.store(url)
        case .unverifiedAnchor(let url, let target, let anchor):
            issues.append(.anchor(PendingAnchor(destination: destination, page: target, anchor: anchor,
                                                file: page.displayPath, line: line, column: column)))
            tree[index].first = tree.store(url)
        case .missingPage(let target):
            issues.append(.problem(Diagnostic(stage: .transform, file: page.displayPath, line: line, column: column,
                                              message: "link to `\(destination)`: no such page or file (`\(target)`)",
                                              hint: "link to a .md file in the content folder, relative to this page")))
        case .missingAnchor(let target, let anchor):
            issues.append(.problem(PendingAnchor(destination: destination, page: target, anchor: anchor, file: page.displayPath,
                                                 line: line, column: column).diagnostic(known: resolver.anchors[target] ?? [])))
        }
    }

    /// Splits a page into search sections at its top-level h2/h3 headings.
    static func sections(of page: Page, blockTexts: [Int: String]) -> [IndexedSection] {
        guard let tree = page.tree else { return [] }
        var sections: [IndexedSection] = []
        let outputPath = page.outputPath
        // Room for a section's text up front (the body's size shared out among its sections, a quarter more):
        // grown append by append, a section's text was copied into ever larger storage about five times.
        let sectionCount = page.headings.reduce(1) { $1.level <= 3 ? $0 + 1 : $0 }
        let room = page.source.byteCount / sectionCount * 5 / 4
        var current = IndexedSection(pageTitle: page.title, heading: page.title, anchor: "", pageOutputPath: outputPath,
                                     text: page.frontMatter.summary ?? "")
        current.text.reserveCapacity(room)
        var blockNumber = 0
        // The page's headings are in document order, so the one with a section's id is usually the next
        // one after the last found (ids are unique in a page: any match is the match).
        var nextHeading = 0
        func heading(_ id: String) -> Page.Heading? {
            let headings = page.headings
            guard let found = headings[nextHeading...].firstIndex(where: { UTF8Bytes.same($0.id, id) })
                    ?? headings[..<nextHeading].firstIndex(where: { UTF8Bytes.same($0.id, id) }) else { return nil }
            nextHeading = found + 1
            return headings[found]
        }
        for child in tree.children(of: MarkdownTree.root) {
            if tree[child].kind == .heading, tree[child].level <= 3 {
                if !current.text.isEmpty || current.anchor.isEmpty { sections.append(current) }
                let anchor = tree.anchor(of: child)
                current = IndexedSection(pageTitle: page.title,
                                         heading: anchor.flatMap(heading)?.text ?? tree.plainText(of: child),
                                         anchor: anchor ?? "", pageOutputPath: outputPath, text: "")
                current.text.reserveCapacity(room)
                continue
            }
            // Append the block's text in place, a space before it when there is text already.
            let hadText = !current.text.isEmpty
            if hadText { current.text += " " }
            let start = current.text.utf8.count
            tree.appendPlainText(of: child, to: &current.text)
            if !blockTexts.isEmpty { Self.generatedTexts(in: child, of: tree, blockTexts: blockTexts, blockNumber: &blockNumber, into: &current.text) }
            if hadText, current.text.utf8.count == start { current.text.removeLast() }
        }
        sections.append(current)
        return sections
    }

    private static func generatedTexts(in index: Int, of tree: MarkdownTree, blockTexts: [Int: String], blockNumber: inout Int, into text: inout String) {
        if tree[index].kind == .generatedHTML {
            if let blockText = blockTexts[blockNumber] { text += " " + blockText }
            blockNumber += 1
        }
        for child in tree.children(of: index) { generatedTexts(in: child, of: tree, blockTexts: blockTexts, blockNumber: &blockNumber, into: &text) }
    }
}

/// A link problem found while one page is transformed on its own.
enum LinkIssue: Sendable {
    case problem(Diagnostic)
    /// A link to another page's heading, checked once every page's anchors are known.
    case anchor(PendingAnchor)
}

/// A link to `page#anchor`, and where it was written.
struct PendingAnchor: Sendable {
    var destination: String
    var page: String
    var anchor: String
    var file: String
    var line: Int
    var column: Int

    /// The "no heading" diagnostic, with `known` (the target's anchors) for the hint.
    func diagnostic(known: AnchorSet) -> Diagnostic {
        Diagnostic(stage: .transform, file: file, line: line, column: column,
                   message: "link to `\(destination)`: \(page) has no heading `#\(anchor)`",
                   hint: Transformer.anchorHint(anchor, in: known))
    }
}
