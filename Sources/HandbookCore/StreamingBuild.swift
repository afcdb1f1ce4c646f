import CmarkBridge
import Foundation
import HandbookSearch

/// The build's page stream: after load, each page goes through parse → transform → render → write on its
/// own, on all cores, and only what the rest of the build needs is kept (anchors, links waiting for an
/// anchor check, block artifacts, search sections). No page's tree outlives its own render, so memory
/// does not grow with the pages' trees; sources above `BuildOptions.sourceBudget` are read again instead of kept.
///
/// Two things a page's render needs come from every page:
/// - Titles and order (the sidebar, previous/next) come from the front matter, known after load.
/// - The quizzes index link on every page exists when any page has a quiz. The load stage guesses it from
///   each file's fence words; if the finished transform disagrees, the pages are streamed once more.
///
/// Links to other pages' headings are checked after the stream, against every page's anchors, and their
/// diagnostics are reported in the same order as the in-memory pipeline (`Transformer.complete`) gives.
struct PageStream {
    /// The loaded site, its pages holding only their front matter (`sourceDropped`).
    let site: LoadedSite
    let transformers: [any BlockTransformer]
    /// The sources load kept, by page index, until the first stream takes them (each freed once its page is done).
    private var sources: [Source?]
    /// Whether each page's stages are timed (`Outcome.cpu`), for the per-stage figures of `--verbose`: the
    /// thread's CPU clock is a system call, six per page.
    var timesPages = true

    struct Source: Sendable {
        var text: SourceText
        var body: String
    }

    /// `consuming`: the loaded site's page list is then this stream's alone, and taking the sources out of
    /// its pages changes them in place instead of copying the list first.
    init(site loaded: consuming LoadedSite, transformers: [any BlockTransformer]) {
        var site = loaded
        sources = site.pages.map { $0.sourceDropped ? nil : Source(text: $0.source, body: $0.body) }
        for index in site.pages.indices where !site.pages[index].sourceDropped { site.pages[index].dropSource() }
        self.site = site
        self.transformers = transformers
    }

    /// What one page leaves behind.
    struct Outcome: Sendable {
        var anchors: AnchorSet = []
        var artifacts: [(String, any Sendable)] = []
        var references: [BlockReference] = []
        var sections: [IndexedSection] = []
        var links: [LinkIssue] = []
        /// The stage that failed, and its diagnostics; nothing after it ran.
        var failed: (stage: BuildStage, problems: [Diagnostic])?
        /// Thread CPU seconds spent in parse, transform, render (with the write) and handing the sections to the index.
        var cpu: (parse: Double, transform: Double, render: Double, index: Double) = (0, 0, 0, 0)
    }

    /// Everything the stream produced, in page order.
    struct Result: Sendable {
        var outcomes: [Outcome]
        var plan: PageRenderer.Plan
        var wallSeconds: Double
    }

    /// Streams every page into `staging`, planning with `generatedPaths` as the transformers' extra pages.
    /// Pages whose source was not kept (or was taken by an earlier run) are read again. With `index`, each
    /// page's search sections go to it as soon as the page is done (part = page index) instead of into its outcome.
    mutating func run(into staging: Emitter.Staging, emitter: Emitter, generatedPaths: Set<String>,
                      index: SearchIndexStream? = nil) throws(BuildFailure) -> Result {
        let started = Date()
        let plan = PageRenderer.plan(site: site, transformers: transformers, languagesByPage: [:], generatedPaths: generatedPaths)
        try emitter.makeFolders(for: site.pages.map(\.outputPath), in: staging)
        let transformer = Transformer(site: site, transformers: transformers)
        let byLanguage = transformer.byLanguage
        let resolver = LinkResolver(pages: Set(site.pages.map(\.sourcePath)), assets: Set(site.contentAssets))
        let stagingPath = staging.path
        let contentDir = site.contentDirectory, contentDirectory = site.config.contentDirectory, timed = timesPages
        let input = site.pages.indices.map { (index: $0, source: sources.isEmpty ? nil : sources[$0]) }
        sources = []
        let outcomes = input.parallelMapConsuming { (job: consuming (index: Int, source: Source?)) -> Outcome in
            let number = job.index
            var outcome = Self.stream(number, source: job.source.take(), plan: plan, transformer: transformer, byLanguage: byLanguage,
                                      resolver: resolver, stagingPath: stagingPath, emitter: emitter,
                                      contentDir: contentDir, contentDirectory: contentDirectory, timed: timed)
            if let index {
                let t0 = timed ? Self.threadCPUSeconds() : 0
                index.add(part: number, outcome.sections.map(SearchIndexing.entry))
                outcome.sections = []
                if timed { outcome.cpu.index = Self.threadCPUSeconds() - t0 }
            }
            return outcome
        }
        staging.record(site.pages.map(\.outputPath))
        return Result(outcomes: outcomes, plan: plan, wallSeconds: Date().timeIntervalSince(started))
    }

    /// One page, read again unless its source was kept, then streamed.
    static func stream(_ index: Int, source: Source?, plan: PageRenderer.Plan, transformer: Transformer, byLanguage: [String: any BlockTransformer],
                       resolver: LinkResolver, stagingPath: String, emitter: Emitter, contentDir: URL, contentDirectory: String,
                       timed: Bool = true) -> Outcome {
        var page = plan.pages[index]
        if let source {
            page.source = source.text
            page.body = source.body
        } else {
            switch SiteLoader.loadPage(page.sourcePath, contentDir: contentDir, contentDirectory: contentDirectory) {
            case .success(let fresh):
                page.source = fresh.source
                page.body = fresh.body
            case .failure(let failure):
                var outcome = Outcome()
                outcome.failed = (.load, failure.diagnostics)
                return outcome
            }
        }
        return Self.stream(page, at: index, plan: plan, transformer: transformer, byLanguage: byLanguage, resolver: resolver,
                           stagingPath: stagingPath, emitter: emitter, timed: timed)
    }

    /// One page, from its source to its file in the staging folder.
    static func stream(_ loaded: Page, at index: Int, plan: PageRenderer.Plan, transformer: Transformer, byLanguage: [String: any BlockTransformer],
                       resolver: LinkResolver, stagingPath: String, emitter: Emitter, timed: Bool = true) -> Outcome {
        var outcome = Outcome()
        var page = loaded
        let clock = { timed ? threadCPUSeconds() : 0 }
        let t0 = clock()
        switch CmarkParser.parseChecked(page.body) {
        case .success(let tree):
            page.tree = tree
            page.body = ""
        case .failure(let tooDeep):
            outcome.failed = (.parse, [Builder.nestingDiagnostic(tooDeep, page: page)])
            return outcome
        }
        let t1 = clock()
        outcome.cpu.parse = t1 - t0
        // Heading ids, blocks and links in one walk; anchor checks wait until every page is done.
        let pass = transformer.firstPass(page.handedOver(), byLanguage: byLanguage, resolver: resolver)
        if !pass.problems.isEmpty {
            outcome.failed = (.transform, pass.problems)
            return outcome
        }
        outcome.links = pass.links
        outcome.sections = Transformer.sections(of: pass.page, blockTexts: pass.texts)
        outcome.anchors = pass.page.anchors
        outcome.artifacts = pass.artifacts
        outcome.references = pass.references
        let t2 = clock()
        outcome.cpu.transform = t2 - t1
        let path = pass.page.outputPath
        let html = PageRenderer.renderPageUTF8(pass.page, at: index, languages: pass.languages, plan: plan)
        if html.isEmpty {
            outcome.failed = (.render, [PageRenderer.emptyRender(path, themeDirectory: plan.config.themeDirectory)])
        } else if !Emitter.write(html, to: stagingPath + "/" + path) {
            outcome.failed = (.render, emitter.cannotWrite(path).diagnostics)
        }
        outcome.cpu.render = clock() - t2
        return outcome
    }

    /// The diagnostics of the first stage any page failed in, all pages' in page order, as the staged pipeline
    /// would report them: a stage's errors stop the build before the next stage.
    static func earliestFailure(_ outcomes: [Outcome], before stage: BuildStage) -> BuildFailure? {
        for candidate in BuildStage.allCases where candidate.order < stage.order {
            let problems = outcomes.flatMap { $0.failed?.stage == candidate ? $0.failed!.problems : [] }
            if !problems.isEmpty { return BuildFailure(problems) }
        }
        return nil
    }

    /// Link diagnostics, page by page in document order: the problems found on the page and the links to
    /// headings that no page has.
    static func linkProblems(_ outcomes: [Outcome], anchors: [String: AnchorSet]) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        for outcome in outcomes {
            for issue in outcome.links {
                switch issue {
                case .problem(let problem):
                    problems.append(problem)
                case .anchor(let pending):
                    let known = anchors[pending.page] ?? []
                    if !known.contains(pending.anchor) { problems.append(pending.diagnostic(known: known)) }
                }
            }
        }
        return problems
    }

    /// CPU time of the calling thread.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

extension BuildStage {
    var order: Int { Self.allCases.firstIndex(of: self)! }
}
