import CmarkBridge
import Foundation
import HandbookSearch

public struct BuildOptions: Sendable {
    /// The project folder holding `handbook.yml`, `content/` and `theme/`.
    public var root: URL
    public var configFile: String = "handbook.yml"
    public var outputOverride: String?
    public var editionOverride: SiteConfig.Edition?
    public var transformers: [any BlockTransformer]
    /// The build keeps the pages' sources from load until each page is streamed while their total is at most
    /// this many bytes; above it, each page is read again when its turn comes, so memory stays flat.
    public var sourceBudget = 64 << 20
    /// The search index keeps up to this many bytes of its intermediate data in memory, the rest in a temporary
    /// file. (5,000 pages of Chinese text store about 20 MB of tokens and postings while the pages stream, then
    /// 14 MB of entries and 14 MB of entries grouped by shard; each part is released once read, and its room
    /// takes the next: only a few MB of entries reach the file.)
    public var indexMemoryBudget = 32 << 20
    /// Times each page's parse, transform, render and index on its thread for the per-stage figures
    /// (`--verbose`); without it those stages are reported together, as the stream's time.
    public var timesStages = true

    public init(root: URL, transformers: [any BlockTransformer] = []) {
        self.root = root
        self.transformers = transformers
    }
}

public struct BuildReport: Sendable {
    public var pages: Int
    public var blockCounts: [String: Int]
    public var outputDirectory: URL
    public var stageSeconds: [(stage: BuildStage, seconds: Double)]
    public var totalSeconds: Double

    public var summary: String {
        let plural = ["checklist": "checklists", "quiz": "quizzes"]
        let blocks = blockCounts.keys.sorted().map { "\(blockCounts[$0]!) \(blockCounts[$0]! == 1 ? $0 : plural[$0, default: $0 + "s"])" }
        let parts = ["\(pages) pages"] + blocks
        return "built " + parts.joined(separator: ", ") + String(format: " in %.2f s", totalSeconds) + " → \(outputDirectory.lastPathComponent)/"
    }
}

/// A section of a page for the search index: the text under one heading.
public struct IndexedSection: Sendable {
    public var pageTitle: String
    public var heading: String
    public var anchor: String
    public var pageOutputPath: String
    public var text: String
}

/// Runs the build pipeline: load → parse → transform → render → index → emit.
/// Any stage that finds errors stops the build; the previous output folder is left as it was.
public struct Builder: Sendable {
    public let options: BuildOptions
    /// Receives progress lines (`--verbose`).
    public let log: @Sendable (String) -> Void
    /// Turns the collected sections into site files, handing each to the writer as it is made; returns their
    /// paths. When nil (the default) the search index is built while the pages stream (`SearchIndexStream`),
    /// its postings kept in memory up to `BuildOptions.indexMemoryBudget` and in a temporary file past it, so that
    /// memory does not grow with the handbook.
    public let indexer: Indexer?

    public typealias Indexer = @Sendable ([IndexedSection], _ write: @Sendable (String, String) -> Void) -> [String]

    public init(options: BuildOptions, log: @escaping @Sendable (String) -> Void = { _ in }, indexer: Indexer? = nil) {
        self.options = options
        self.log = log
        self.indexer = indexer
    }

    public func build() throws(BuildFailure) -> BuildReport {
        let started = Date()
        var timings: [(BuildStage, Double)] = []
        func report(_ stage: BuildStage, seconds: Double, cpu: Double, note: String = "") {
            timings.append((stage, seconds))
            log("[\(timings.count)/6] " + stage.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                + String(format: "%8.1f ms   cpu %7.1f ms   peak memory %4d MB", seconds * 1000, cpu * 1000, Self.peakMemoryMB()) + note)
        }
        func timed<T>(_ stage: BuildStage, _ body: () throws(BuildFailure) -> T) throws(BuildFailure) -> T {
            let t0 = Date(), cpu0 = Self.cpuSeconds()
            let result = try body()
            report(stage, seconds: Date().timeIntervalSince(t0), cpu: Self.cpuSeconds() - cpu0)
            return result
        }

        // Sources past the budget are not kept: those pages are read again when their turn in the stream comes.
        // The stream takes the kept sources out of the pages; from here on `site` is front matter only.
        var stream = PageStream(site: try timed(.load) { () throws(BuildFailure) in try SiteLoader.load(options, sourceBudget: options.sourceBudget) },
                                transformers: options.transformers)
        stream.timesPages = options.timesStages
        let site = stream.site
        let emitter = Emitter(site: site)
        let staging = try emitter.begin()
        // The search index's finish runs on its own thread from the end of the stream, beside the blocks'
        // finish and the generated pages; it writes into the staging folder, so every way out waits for it.
        var indexTask: Background<(paths: Result<[String], SearchIndexSpillError>, wall: Double, cpu: Double)>?
        do throws(BuildFailure) {
            // Search index files are written from the stream on; any that cannot be is reported in the index stage.
            try emitter.makeFolders(for: ["assets/search/docs-0.js"], in: staging)
            let stagingPath = staging.path
            let indexWriteFailed = FirstFailure()
            let writeIndexFile: @Sendable (String, String) -> Void = { path, contents in
                if !Emitter.write(contents, to: stagingPath + "/" + path) { indexWriteFailed.note(path) }
            }
            let writeIndexBytes: @Sendable (String, [UInt8]) -> Void = { path, contents in
                if !Emitter.write(contents, to: stagingPath + "/" + path) { indexWriteFailed.note(path) }
            }
            // The quizzes index link is on every page: guessed from the fence words, streamed again if wrong.
            let quizLanguages = Set(options.transformers.map(\.language)).intersection(["quiz"])
            var guessed: Set<String> = site.pages.contains { !quizLanguages.isDisjoint(with: $0.fenceWords) } ? [PageRenderer.quizIndexPath] : []
            var streamed: PageStream.Result
            var finished: Transformer.FinishedBlocks
            var cpu = (parse: 0.0, transform: 0.0, render: 0.0, index: 0.0), streamWall = 0.0
            var completeWall = 0.0, completeCPU = 0.0
            while true {
                var searchIndex: SearchIndexStream?
                if indexer == nil {
                    guard let store = SpillFile(in: stagingPath, memoryBudget: options.indexMemoryBudget) else { throw Self.indexFailure("cannot make a temporary file in \(stagingPath)", site: site) }
                    searchIndex = SearchIndexStream(store: store, write: writeIndexFile, writeUTF8: writeIndexBytes)
                }
                streamed = try stream.run(into: staging, emitter: emitter, generatedPaths: guessed, index: searchIndex)
                streamWall += streamed.wallSeconds
                for outcome in streamed.outcomes {
                    cpu.parse += outcome.cpu.parse
                    cpu.transform += outcome.cpu.transform
                    cpu.render += outcome.cpu.render
                    cpu.index += outcome.cpu.index
                }
                if let failure = PageStream.earliestFailure(streamed.outcomes, before: .render) { throw failure }
                if let searchIndex, PageStream.earliestFailure(streamed.outcomes, before: .index) == nil {
                    indexTask = Background {
                        let t0 = Date(), cpu0 = PageStream.threadCPUSeconds()
                        let paths = Result { () throws(SearchIndexSpillError) in try searchIndex.finish() }
                        return (paths, Date().timeIntervalSince(t0), PageStream.threadCPUSeconds() - cpu0)
                    }
                }
                // Timed on this thread: the process's CPU time now includes the index's finish.
                let t0 = Date(), cpu0 = PageStream.threadCPUSeconds()
                finished = try Self.complete(streamed.outcomes, site: site, transformers: options.transformers)
                completeWall += Date().timeIntervalSince(t0)
                completeCPU += PageStream.threadCPUSeconds() - cpu0
                let actual = Set(finished.extraPages.map(\.path)).intersection([PageRenderer.quizIndexPath])
                if actual == guessed { break }
                log("the quizzes index was guessed \(guessed.isEmpty ? "absent" : "present") from the fence words; streaming the pages again")
                guessed = actual
                // The next stream makes the same index again (the sections do not change): this one's files are overwritten.
                _ = indexTask?.wait()
                indexTask = nil
            }
            if let failure = PageStream.earliestFailure(streamed.outcomes, before: .index) { throw failure }
            // The stream's wall time, shared out by CPU; the transform's whole-site part after it is timed on its own.
            let streamCPU = max(cpu.parse + cpu.transform + cpu.render + cpu.index, 1e-9)
            let note = "   (streamed page by page; wall is a share of the stream's \(String(format: "%.1f", streamWall * 1000)) ms)"
            report(.parse, seconds: streamWall * cpu.parse / streamCPU, cpu: cpu.parse, note: note)
            report(.transform, seconds: streamWall * cpu.transform / streamCPU + completeWall, cpu: cpu.transform + completeCPU)
            let renderStart = (Date(), PageStream.threadCPUSeconds())
            var files = PageRenderer.renderGenerated(plan: streamed.plan, extraPages: finished.extraPages)
            try PageRenderer.checkNotEmpty(files, themeDirectory: site.config.themeDirectory)
            files.merge(finished.dataFiles) { $1 }
            report(.render, seconds: streamWall * cpu.render / streamCPU + Date().timeIntervalSince(renderStart.0),
                   cpu: cpu.render + PageStream.threadCPUSeconds() - renderStart.1)
            // The generated files go into the staging folder while the index finishes (emit's first part).
            let writeStart = (Date(), PageStream.threadCPUSeconds())
            try emitter.write(files, into: staging)
            files = [:]
            let written = (wall: Date().timeIntervalSince(writeStart.0), cpu: PageStream.threadCPUSeconds() - writeStart.1)

            var sections: [IndexedSection] = []
            if indexer != nil {
                for index in streamed.outcomes.indices {
                    sections += streamed.outcomes[index].sections
                    streamed.outcomes[index].sections = []
                }
            }
            let pageCount = site.pages.count
            let blockCounts = finished.counts
            streamed.outcomes = []
            // The index's files go straight into the staging folder as they are made. A streamed index has
            // tokenised its sections and written its docs files during the stream: that part of its time is the
            // stream's wall shared out by CPU, as for the other streamed stages. Its finish is timed on its own
            // thread (the CPU of the workers it fans out to is not counted).
            let paths: [String]
            let finishTime: (wall: Double, cpu: Double)
            if let task = indexTask {
                let (result, wall, cpu) = task.wait()
                indexTask = nil
                finishTime = (wall, cpu)
                switch result {
                case .success(let written): paths = written
                case .failure(let error): throw Self.indexFailure(error.message, site: site)
                }
            } else {
                let t0 = Date(), cpu0 = Self.cpuSeconds()
                Self.returnFreedMemory()
                paths = indexer!(sections, writeIndexFile)
                finishTime = (Date().timeIntervalSince(t0), Self.cpuSeconds() - cpu0)
            }
            if let path = indexWriteFailed.path { throw emitter.cannotWrite(path) }
            staging.record(paths)
            report(.index, seconds: streamWall * cpu.index / streamCPU + finishTime.wall,
                   cpu: cpu.index + finishTime.cpu, note: indexer != nil ? "" : "   (sections tokenised while streaming, finished beside transform and render)")
            sections = []
            let emitStart = (Date(), Self.cpuSeconds())
            try emitter.finish(staging)
            report(.emit, seconds: written.wall + Date().timeIntervalSince(emitStart.0), cpu: written.cpu + Self.cpuSeconds() - emitStart.1)
            return BuildReport(pages: pageCount, blockCounts: blockCounts, outputDirectory: site.outputDirectory,
                               stageSeconds: timings, totalSeconds: Date().timeIntervalSince(started))
        } catch {
            _ = indexTask?.wait()
            emitter.abandon(staging)
            throw error
        }
    }

    /// After the stream: links to other pages' headings, cites, and the transformers' finish over all blocks.
    static func complete(_ outcomes: [PageStream.Outcome], site: LoadedSite, transformers: [any BlockTransformer])
        throws(BuildFailure) -> Transformer.FinishedBlocks {
        var anchors: [String: AnchorSet] = [:]
        anchors.reserveCapacity(site.pages.count)
        var references: [BlockReference] = []
        for (page, outcome) in zip(site.pages, outcomes) {
            anchors[page.sourcePath] = outcome.anchors
            references += outcome.references
        }
        let artifacts = Transformer.artifactsByLanguage(outcomes.map(\.artifacts))
        var problems = PageStream.linkProblems(outcomes, anchors: anchors)
        let resolver = LinkResolver(anchors: anchors, assets: Set(site.contentAssets))
        let resolvedCites = Transformer.resolveReferences(references, resolver: resolver, problems: &problems)
        if !problems.isEmpty { throw BuildFailure(problems) }
        return try Transformer(site: site, transformers: transformers).finishBlocks(artifacts: artifacts, resolvedCites: resolvedCites,
                                                                                    pages: site.pages)
    }

    static func indexFailure(_ message: String, site: LoadedSite) -> BuildFailure {
        BuildFailure([Diagnostic(stage: .index, file: site.config.outputDirectory, message: "cannot build the search index: \(message)",
                                 hint: "check that the disk holding the output folder is writable and not full")])
    }

    static func resourceUsage() -> rusage {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return usage
    }

    /// User and system CPU time of the process so far, all threads.
    static func cpuSeconds() -> Double {
        let usage = resourceUsage()
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// Hands freed heap pages back to the system (glibc's `malloc_trim`, looked up at run time; elsewhere a
    /// no-op). The pages' trees are freed in many small pieces that the index's large arrays cannot reuse, and
    /// without this they would count towards the peak once more.
    static func returnFreedMemory() {
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
    }

    /// The process's peak resident memory so far.
    static func peakMemoryMB() -> Int {
        #if os(Linux)
        return resourceUsage().ru_maxrss / 1024  // kilobytes
        #else
        return resourceUsage().ru_maxrss / 1_048_576  // bytes
        #endif
    }

    static func parse(_ site: inout LoadedSite) throws(BuildFailure) {
        let parsed = site.pages.parallelMap { page in CmarkParser.parseChecked(page.body) }
        var problems: [Diagnostic] = []
        for index in site.pages.indices {
            switch parsed[index] {
            case .success(let tree):
                site.pages[index].tree = tree
                site.pages[index].body = ""  // parsed; the source text for diagnostics stays in `source`
            case .failure(let tooDeep): problems.append(Self.nestingDiagnostic(tooDeep, page: site.pages[index]))
            }
        }
        if !problems.isEmpty { throw BuildFailure(problems) }
    }

    static func nestingDiagnostic(_ error: CmarkParser.NestingTooDeep, page: Page) -> Diagnostic {
        Diagnostic(stage: .parse, file: page.displayPath, line: error.position.line,
                   column: page.source.characterColumn(line: error.position.line, byteColumn: error.position.column),
                   message: "the text nests more than \(CmarkParser.maximumDepth) levels deep (block quotes, lists or emphasis inside each other)",
                   hint: "flatten the nesting; a handbook page never needs this many levels")
    }
}

/// The first of the paths noted from any thread.
final class FirstFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var first: String?

    func note(_ path: String) { lock.withLock { if first == nil { first = path } } }
    var path: String? { lock.withLock { first } }
}

/// Everything the load stage read from disk.
public struct LoadedSite: Sendable {
    public var root: URL
    public var config: SiteConfig
    public var configPath: String
    public var theme: Theme
    public var pages: [Page]
    /// Non-Markdown files in the content folder, relative to it; copied to the site as they are.
    public var contentAssets: [String]
    public var contentDirectory: URL
    public var outputDirectory: URL
}
