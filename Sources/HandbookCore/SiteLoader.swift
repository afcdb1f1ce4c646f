import Foundation
import Mustache

/// The load stage: config, theme, pages with front matter, page order.
enum SiteLoader {
    /// `sourceBudget`: pages' sources are kept while their total stays within this many bytes; past it a page
    /// keeps only its front matter (`Page.sourceDropped`).
    static func load(_ options: BuildOptions, withTheme: Bool = true, sourceBudget: Int = .max) throws(BuildFailure) -> LoadedSite {
        let root = options.root.standardizedFileURL
        let configURL = root.appendingPathComponent(options.configFile)
        guard let configText = try? String(contentsOf: configURL, encoding: .utf8) else {
            throw BuildFailure([Diagnostic(stage: .load, file: options.configFile, message: "cannot read the site config",
                                           hint: "create \(options.configFile) with at least `title: 销售与客户服务手册`")])
        }
        var config = try SiteConfig.parse(configText, file: options.configFile)
        if let edition = options.editionOverride { config.edition = edition }
        if let output = options.outputOverride { config.outputDirectory = output }
        if let calendarFile = config.companyCalendar {
            config.companyDaysOff = try companyDaysOff(calendarFile, root: root)
        }

        let contentDir = resolve(config.contentDirectory, against: root)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: contentDir.path, isDirectory: &isDir), isDir.boolValue else {
            throw BuildFailure([Diagnostic(stage: .load, file: options.configFile, message: "content folder `\(config.contentDirectory)` does not exist",
                                           hint: "create it or set `content:` in \(options.configFile)")])
        }
        // The theme (templates, locale) loads on its own thread while the pages are read.
        let themeDir = resolve(config.themeDirectory, against: root)
        let language = config.language
        let themeLoad: Background<Result<Theme, BuildFailure>>? = withTheme ? Background {
            Result { () throws(BuildFailure) in try Theme.load(from: themeDir, language: language, displayRoot: root) }
        } : nil
        let all = ProjectFiles.files(under: contentDir)
        let markdown = all.filter { $0.hasSuffix(".md") }
        let assets = all.filter { !$0.hasSuffix(".md") }

        let contentDirectory = config.contentDirectory
        let kept = ByteBudget(sourceBudget)
        var loaded = markdown.parallelMap { path -> Result<Page, BuildFailure> in
            var result = loadPage(path, contentDir: contentDir, contentDirectory: contentDirectory)
            // A kept page holds its body, which its source text (for diagnostics' columns) shares.
            if case .success(var page) = result, !kept.take(page.body.utf8.count) {
                page.dropSource()
                result = .success(page)
            }
            return result
        }
        var problems: [Diagnostic] = []
        var pages: [Page] = []
        pages.reserveCapacity(loaded.count)
        // Each result is swapped out of the array rather than copied: a page is moved, not retained field by
        // field and released again with the array (some milliseconds on one core for thousands of pages).
        for index in loaded.indices {
            var result = Result<Page, BuildFailure>.failure(BuildFailure([]))
            swap(&result, &loaded[index])
            switch consume result {
            case .success(let page): pages.append(page)
            case .failure(let failure): problems += failure.diagnostics
            }
        }
        if markdown.isEmpty {
            problems.append(Diagnostic(stage: .load, file: config.contentDirectory, message: "no Markdown pages found", hint: "add a page such as content/01-general.md"))
        }
        var seenIDs: [String: String] = [:]
        seenIDs.reserveCapacity(pages.count)
        for index in pages.indices {  // by index: `for page in pages` would copy every page
            let id = pages[index].frontMatter.id ?? String(pages[index].sourcePath.dropLast(3))
            if let other = seenIDs.updateValue(pages[index].displayPath, forKey: id) {
                problems.append(Diagnostic(stage: .load, file: pages[index].displayPath, line: 2, message: "page id `\(id)` is also used by \(other)",
                                           hint: "give one page a different `id`"))
            }
            if ["index.md", "404.md", "search.md"].contains(pages[index].sourcePath) {
                problems.append(Diagnostic(stage: .load, file: pages[index].displayPath, message: "`\(pages[index].sourcePath)` would overwrite a generated page",
                                           hint: "rename the file; the home, 404 and search pages are made by the theme"))
            }
        }
        var theme: Theme?
        if let themeLoad {
            switch themeLoad.wait() {
            case .success(let loaded): theme = loaded
            case .failure(let failure): problems += failure.diagnostics
            }
        } else {
            theme = Theme(directory: themeDir, library: MustacheLibrary(), strings: [:], assetFiles: [])
        }
        guard problems.isEmpty, let theme else { throw BuildFailure(problems) }

        pages.sort { a, b in
            let (oa, ob) = (a.frontMatter.order ?? Int.max, b.frontMatter.order ?? Int.max)
            return oa != ob ? oa < ob : a.sourcePath < b.sourcePath
        }
        return LoadedSite(root: root, config: config, configPath: options.configFile, theme: theme, pages: pages,
                          contentAssets: assets, contentDirectory: contentDir,
                          outputDirectory: resolve(config.outputDirectory, against: root))
    }

    /// A byte allowance shared by threads: `take` succeeds while the total taken stays within it.
    final class ByteBudget: @unchecked Sendable {
        private let lock = NSLock()
        private var left: Int

        init(_ bytes: Int) { left = bytes }

        func take(_ bytes: Int) -> Bool {
            lock.withLock {
                guard bytes <= left else { return false }
                left -= bytes
                return true
            }
        }
    }

    /// Reads one page: its text, front matter and body (`path` relative to the content folder).
    static func loadPage(_ path: String, contentDir: URL, contentDirectory: String) -> Result<Page, BuildFailure> {
        let display = contentDirectory + "/" + path
        guard var bytes = readFile(contentDir.path + "/" + path) else {
            return .failure(BuildFailure([Diagnostic(stage: .load, file: display, message: "cannot read the file", hint: "check its permissions")]))
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }  // a byte order mark is not text
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(BuildFailure([Diagnostic(stage: .load, file: display, message: "the file is not valid UTF-8 text", hint: "save it as UTF-8")]))
        }
        let hasCR = bytes.withUnsafeBufferPointer { $0.baseAddress.map { memchr($0, 0x0D, bytes.count) != nil } ?? false }  // memchr: vectorised
        let normalized = hasCR ? text.replacingOccurrences(of: "\r\n", with: "\n") : text
        let (yaml, body, _) = FrontMatter.split(normalized)
        do throws(BuildFailure) {
            let matter = try FrontMatter.parse(yaml, file: display)
            // The body's lines are the file's (front matter lines left empty), and diagnostics' columns are
            // only asked for on body lines: the source text shares the body's storage instead of keeping the file.
            let source = SourceText(path: display, text: body)
            var page = Page(sourcePath: path, displayPath: display, source: source, frontMatter: matter, body: body)
            page.fenceWords = bytes.withUnsafeBufferPointer(fenceWords)
            return .success(page)
        } catch {
            return .failure(error)
        }
    }

    /// The word after every run of three or more backticks or tildes, in order (`memchr` finds the rare
    /// candidates; Chinese text has almost none).
    static func fenceWords(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        var words: [String] = []
        guard let base = bytes.baseAddress else { return words }
        for fence in [UInt8(ascii: "`"), UInt8(ascii: "~")] {
            var offset = 0
            while offset < bytes.count, let hit = memchr(base + offset, Int32(fence), bytes.count - offset) {
                var i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                let start = i
                while i < bytes.count, bytes[i] == fence { i += 1 }
                offset = i
                guard i - start >= 3 else { continue }
                while i < bytes.count, bytes[i] == UInt8(ascii: " ") { i += 1 }
                let wordStart = i
                while i < bytes.count, bytes[i] < 0x80, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "_")
                        || (bytes[i] | 0x20 >= UInt8(ascii: "a") && bytes[i] | 0x20 <= UInt8(ascii: "z"))
                        || (bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9")) { i += 1 }
                if i > wordStart { words.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[wordStart..<i]), as: UTF8.self)) }
                offset = i
            }
        }
        return words
    }

    /// A file's bytes, read with plain POSIX calls (one copy; Foundation's `Data` and `String(data:)` made three).
    static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        var failed = false
        var bytes = [UInt8](unsafeUninitializedCapacity: Int(info.st_size)) { buffer, count in
            while count < buffer.count {
                let n = read(fd, buffer.baseAddress! + count, buffer.count - count)
                if n < 0, errno == EINTR { continue }
                if n < 0 { failed = true }
                if n <= 0 { break }
                count += n
            }
        }
        // A file that grew since `fstat`: read the rest too. (Uninitialized room: zeroing 64 KB for every page
        // cost more than reading most pages.)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 65536) { chunk in
            while !failed {
                let n = read(fd, chunk.baseAddress, chunk.count)
                if n < 0, errno == EINTR { continue }
                if n < 0 { failed = true }
                if n <= 0 { break }
                bytes += UnsafeBufferPointer(rebasing: chunk[..<n])
            }
        }
        return failed ? nil : bytes
    }

    /// Reads a company calendar: `daysOff: [YYYY-MM-DD, …]`.
    static func companyDaysOff(_ path: String, root: URL) throws(BuildFailure) -> [String] {
        guard let text = try? String(contentsOf: resolve(path, against: root), encoding: .utf8) else {
            throw BuildFailure([Diagnostic(stage: .load, file: path, message: "cannot read the company calendar",
                                           hint: "create it with `daysOff: [2025-12-31]` or remove `companyCalendar` from the config")])
        }
        guard let node = try YAMLParsing.compose(text, file: path, stage: .load) else { return [] }
        var problems: [Diagnostic] = []
        var days: [String] = []
        for (key, keyNode, value) in YAMLMapping(node: node).pairs {
            guard key == "daysOff", case .sequence(let sequence) = value else {
                let pos = keyNode.position()
                problems.append(Diagnostic(stage: .load, file: path, line: pos.line, column: pos.column,
                                           message: "unknown company calendar key `\(key)`", hint: "the file has one key: `daysOff:` with a list of dates"))
                continue
            }
            for item in sequence {
                if let day = item.string, day.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil {
                    days.append(day)
                } else {
                    let pos = item.position()
                    problems.append(Diagnostic(stage: .load, file: path, line: pos.line, column: pos.column,
                                               message: "`\(item.string ?? "?")` is not a date", hint: "write dates as YYYY-MM-DD"))
                }
            }
        }
        if !problems.isEmpty { throw BuildFailure(problems) }
        return days
    }

    /// A configured folder: absolute as given, otherwise relative to the project folder.
    static func resolve(_ path: String, against root: URL) -> URL {
        (path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path)).standardizedFileURL
    }
}
