import CmarkBridge
import Foundation

public struct BuildOptions: Sendable {
    /// The project folder holding `handbook.yml`, `content/` and `theme/`.
    public var root: URL
    public var configFile: String = "handbook.yml"
    public var outputOverride: String?
    public var editionOverride: SiteConfig.Edition?
    public var transformers: [any BlockTransformer]

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
    /// Turns the collected sections into site files (path → contents); provided by the search module.
    public let indexer: @Sendable ([IndexedSection]) -> [String: String]

    public init(options: BuildOptions, log: @escaping @Sendable (String) -> Void = { _ in },
                indexer: @escaping @Sendable ([IndexedSection]) -> [String: String] = SearchIndexing.files) {
        self.options = options
        self.log = log
        self.indexer = indexer
    }

    public func build() throws(BuildFailure) -> BuildReport {
        let started = Date()
        var timings: [(BuildStage, Double)] = []
        func timed<T>(_ stage: BuildStage, _ body: () throws(BuildFailure) -> T) throws(BuildFailure) -> T {
            let t0 = Date(), cpu0 = Self.cpuSeconds()
            let result = try body()
            let seconds = Date().timeIntervalSince(t0)
            timings.append((stage, seconds))
            log("[\(timings.count)/6] " + stage.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                + String(format: "%8.1f ms   cpu %7.1f ms   peak memory %4d MB", seconds * 1000, (Self.cpuSeconds() - cpu0) * 1000, Self.peakMemoryMB()))
            return result
        }

        var site = try timed(.load) { () throws(BuildFailure) in try SiteLoader.load(options) }
        try timed(.parse) { () throws(BuildFailure) in try Self.parse(&site) }
        var transformer = Transformer(site: site, transformers: options.transformers)
        site.pages = []  // the transformer owns them now, so it can change their trees in place
        var transformed = try timed(.transform) { () throws(BuildFailure) in try transformer.run() }
        site.pages = transformed.pages
        transformed.pages = []
        // Pages are written into the staging folder as they are rendered; the rest is written in emit.
        var siteWithoutPages = site
        siteWithoutPages.pages = []  // the emitter must not keep every page's tree alive until the end
        let emitter = Emitter(site: siteWithoutPages)
        let staging = try emitter.begin()
        do throws(BuildFailure) {
            var files = try timed(.render) { () throws(BuildFailure) in
                let renderer = PageRenderer(site: site, transformed: transformed, transformers: options.transformers)
                return try renderer.renderAll(plan: renderer.plan(), into: staging, emitter: emitter)
            }
            // The pages (sources and trees) are not needed after render: release them before indexing.
            let pageCount = site.pages.count
            site.pages = []
            Self.returnFreedMemory()
            let indexFiles = try timed(.index) { () throws(BuildFailure) in indexer(transformed.sections) }
            transformed.sections = []
            files.merge(indexFiles) { $1 }
            try timed(.emit) { () throws(BuildFailure) in
                try emitter.write(files, into: staging)
                try emitter.finish(staging)
            }
            return BuildReport(pages: pageCount, blockCounts: transformed.blockCounts, outputDirectory: site.outputDirectory,
                               stageSeconds: timings, totalSeconds: Date().timeIntervalSince(started))
        } catch {
            emitter.abandon(staging)
            throw error
        }
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
