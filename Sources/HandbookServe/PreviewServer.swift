import Foundation
import HandbookCore
import Hummingbird
import HTTPTypes
import Logging
import NIOCore

/// Options of `handbook serve`.
public struct ServeOptions: Sendable {
    public var build: BuildOptions
    public var host: String = "127.0.0.1"
    public var port: Int = 8000
    /// How often content/ and theme/ are polled.
    public var pollInterval: Double = 0.05
    /// Log every rebuild with its timings and the time from the file change to the reload message.
    public var verbose = false

    public init(build: BuildOptions) {
        self.build = build
    }

    /// Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost). Anything else needs `--host` given
    /// explicitly together with `--allow-remote`: the preview server has no authentication.
    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        if h == "localhost" || h == "::1" || h == "[::1]" || h == "0:0:0:0:0:0:0:1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else { return false }
        return parts[0] == "127"
    }
}

/// Serves the output folder, watches content/ and theme/, rebuilds what changed and reloads open tabs.
public final class PreviewServer: Sendable {
    /// With inotify working, how often every watched file is still polled, in seconds.
    static let safetyPollInterval = 2.0

    let options: ServeOptions
    let hub = LiveReloadHub()
    let output: URL
    let log: @Sendable (String) -> Void
    let errorLog: @Sendable (String) -> Void
    /// Held while a rebuild writes into the output folder, so a stop signal waits for it.
    let buildLock = NSLock()

    final class SessionBox: @unchecked Sendable {
        let session: SiteSession
        init(_ session: SiteSession) { self.session = session }
    }
    let box: SessionBox
    /// Signalled after a rebuild that left the search index out of date.
    let indexDue = DispatchSemaphore(value: 0)

    /// Makes the first build. A failing first build still starts the server (showing the error page and overlay)
    /// when an older site exists; otherwise the failure is thrown.
    public init(options: ServeOptions, log: @escaping @Sendable (String) -> Void,
                errorLog: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.log = log
        self.errorLog = errorLog
        let session = SiteSession(options: options.build)
        // Pages first, so tabs reload at once; the search index (seconds on a large site) follows.
        session.deferSearchIndex = true
        self.box = SessionBox(session)
        let root = options.build.root.standardizedFileURL
        var outputPath = "site"
        if let text = try? String(contentsOf: root.appendingPathComponent(options.build.configFile), encoding: .utf8),
           let config = try? SiteConfig.parse(text, file: options.build.configFile) {
            outputPath = config.outputDirectory
        }
        if let override = options.build.outputOverride { outputPath = override }
        self.output = (outputPath.hasPrefix("/") ? URL(fileURLWithPath: outputPath) : root.appendingPathComponent(outputPath)).standardizedFileURL
    }

    /// Builds, binds, and serves until the process is stopped. `onBound` gets the bound port.
    public func run(onBound: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let first = buildLock.withLock { () -> Result<RebuildReport, BuildFailure> in
            do throws(BuildFailure) { return .success(try box.session.fullBuild()) } catch { return .failure(error) }
        }
        switch first {
        case .success(let report):
            log(report.summary)
        case .failure(let failure):
            for diagnostic in failure.diagnostics { errorLog(diagnostic.description) }
            errorLog("build failed: \(failure.diagnostics.count) error\(failure.diagnostics.count == 1 ? "" : "s"); serving the last good site")
            await hub.error(failure)
        }

        let hub = self.hub, output = self.output
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            try await Self.respond(to: request, output: output, hub: hub)
        }
        let app = Application(responder: responder,
                              configuration: .init(address: .hostname(options.host, port: options.port), serverName: "handbook-serve"),
                              onServerRunning: { channel in onBound(channel.localAddress?.port ?? 0) },
                              logger: {
                                  var logger = Logger(label: "handbook-serve")
                                  logger.logLevel = .warning
                                  return logger
                              }())
        startWatching()
        startIndexing()
        startHeartbeat()
        try await app.run()
    }

    // MARK: Watching

    private func startWatching() {
        let box = self.box, hub = self.hub, options = self.options, log = self.log, errorLog = self.errorLog, lock = self.buildLock
        let indexDue = self.indexDue
        let thread = Thread {
            var paths = box.session.watchedPaths()
            let scanStart = Date()
            var watcher = TreeWatcher(folders: [paths.contentDirectory, paths.themeDirectory], files: paths.others)
            let notifier = ChangeNotifier()
            notifier.watch(watcher.folderPaths)
            if options.verbose {
                let first = Date()
                _ = watcher.poll(contentDirectory: paths.contentDirectory)
                log(String(format: "[serve] watching %d files %@ (first scan %.1f ms, a poll %.1f ms)", watcher.fileCount,
                           notifier.isActive ? String(format: "with inotify, a full poll every %.0f s as well", Self.safetyPollInterval)
                               : String(format: "every %.0f ms", options.pollInterval * 1000),
                           first.timeIntervalSince(scanStart) * 1000, Date().timeIntervalSince(first) * 1000))
            }
            var lastFullPoll = Date()
            while true {
                let woken = notifier.wait(timeout: options.pollInterval)
                // With inotify a quiet wait needs no poll; every few seconds one looks at every file anyway, in
                // case a change slipped past it (some network and container file systems send no events).
                // Polling 5,000 files every 50 ms instead kept a core about 10 % busy and slowed rebuilds.
                if woken == nil, notifier.isActive, !notifier.takeOverflow(),
                   Date().timeIntervalSince(lastFullPoll) < Self.safetyPollInterval { continue }
                if woken == nil { lastFullPoll = Date() }
                // Woken by inotify: look only at the folders it named (a full poll of 5,000 files takes ms).
                guard var change = watcher.poll(contentDirectory: paths.contentDirectory, only: woken) else { continue }
                let detected = Date()
                // Debounce when polling: a save may touch several files; take what is written within one more
                // short look. (inotify wakes on completed writes, and every further one wakes it again.)
                if woken == nil {
                    Thread.sleep(forTimeInterval: 0.005)
                    if let more = watcher.poll(contentDirectory: paths.contentDirectory) {
                        change.pages.formUnion(more.pages)
                        change.other += more.other
                        change.newestChange = max(change.newestChange, more.newestChange)
                    }
                }
                if change.isEmpty { continue }
                if !change.other.isEmpty { notifier.watch(watcher.folderPaths) }
                let outcome = lock.withLock { () -> Result<RebuildReport, BuildFailure> in
                    do throws(BuildFailure) {
                        return .success(try box.session.rebuild(changedPages: change.pages, otherChanges: !change.other.isEmpty))
                    } catch {
                        return .failure(error)
                    }
                }
                let built = Date()
                let what = (change.pages.sorted() + change.other.map { ProjectPath.display($0, root: options.build.root) })
                switch outcome {
                case .success(let report):
                    if report.indexDeferred { indexDue.signal() }
                    let sentSemaphore = DispatchSemaphore(value: 0)
                    Task {
                        await hub.reload(kind: report.kind, written: report.writtenFiles)
                        sentSemaphore.signal()
                    }
                    sentSemaphore.wait()
                    let sent = Date()
                    log("changed: " + what.prefix(5).joined(separator: ", ") + (what.count > 5 ? " …" : "") + " → " + report.summary)
                    if options.verbose {
                        let stages = report.stageMilliseconds.map { "\($0.stage) " + String(format: "%.1f", $0.ms) }.joined(separator: ", ")
                        log(String(format: "[serve] reload sent %.1f ms after the file change (noticed after %.1f ms, rebuild %.1f ms, send %.1f ms); ",
                                   (sent.timeIntervalSince1970 - change.newestChange) * 1000,
                                   (detected.timeIntervalSince1970 - change.newestChange) * 1000,
                                   built.timeIntervalSince(detected) * 1000, sent.timeIntervalSince(built) * 1000) + stages)
                    }
                case .failure(let failure):
                    for diagnostic in failure.diagnostics { errorLog(diagnostic.description) }
                    errorLog("build failed: \(failure.diagnostics.count) error\(failure.diagnostics.count == 1 ? "" : "s"); still serving the last good site")
                    let sentSemaphore = DispatchSemaphore(value: 0)
                    Task {
                        await hub.error(failure)
                        sentSemaphore.signal()
                    }
                    sentSemaphore.wait()
                }
                // The config may have moved content/ or theme/.
                let newPaths = box.session.watchedPaths()
                if newPaths.contentDirectory != paths.contentDirectory || newPaths.themeDirectory != paths.themeDirectory || newPaths.others != paths.others {
                    paths = newPaths
                    watcher = TreeWatcher(folders: [paths.contentDirectory, paths.themeDirectory], files: paths.others)
                    notifier.watch(watcher.folderPaths)
                }
            }
        }
        thread.name = "handbook-serve-watcher"
        thread.start()
    }

    /// Builds the search index after rebuilds that deferred it, outside the lock (so the next page rebuild need
    /// not wait); an index built from sections that changed meanwhile is dropped and built again.
    private func startIndexing() {
        let box = self.box, hub = self.hub, options = self.options, log = self.log, errorLog = self.errorLog, lock = self.buildLock
        let indexDue = self.indexDue
        let thread = Thread {
            while true {
                indexDue.wait()
                while indexDue.wait(timeout: .now()) == .success {}  // coalesce
                guard let job = lock.withLock({ box.session.searchIndexJob() }) else { continue }
                let started = Date()
                let files = box.session.indexer(job.sections)
                let applied = lock.withLock { () -> Result<[String]?, BuildFailure> in
                    do throws(BuildFailure) { return .success(try box.session.applySearchIndex(files, generation: job.generation)) } catch { return .failure(error) }
                }
                switch applied {
                case .success(let written?):
                    if options.verbose {
                        log(String(format: "[serve] search index: %d files written in %.1f ms", written.count, Date().timeIntervalSince(started) * 1000))
                    }
                    if !written.isEmpty {
                        let sent = DispatchSemaphore(value: 0)
                        Task {
                            await hub.reload(kind: .incremental, written: written)
                            sent.signal()
                        }
                        sent.wait()
                    }
                case .success(nil):
                    indexDue.signal()  // the pages changed meanwhile: index again
                case .failure(let failure):
                    for diagnostic in failure.diagnostics { errorLog(diagnostic.description) }
                }
            }
        }
        thread.name = "handbook-serve-indexer"
        thread.start()
    }

    private func startHeartbeat() {
        let hub = self.hub
        Task.detached {
            while true {
                try? await Task.sleep(nanoseconds: 15_000_000_000)
                await hub.heartbeat()
            }
        }
    }

    /// Waits for a rebuild in progress to finish writing, then returns (for a clean stop).
    public func waitForIdle() {
        buildLock.lock()
    }

    // MARK: Responses

    static func respond(to request: Request, output: URL, hub: LiveReloadHub) async throws -> Response {
        guard request.method == .get || request.method == .head else {
            return Response(status: .methodNotAllowed, headers: [.allow: "GET, HEAD"])
        }
        let path = request.uri.path
        if path == LiveReload.scriptPath {
            return Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: LiveReload.script)))
        }
        if path == LiveReload.eventsPath {
            let stream = await hub.subscribe()
            return Response(status: .ok,
                            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
                                      HTTPField.Name("X-Accel-Buffering")!: "no"],
                            body: ResponseBody { writer in
                                for await message in stream {
                                    try await writer.write(ByteBuffer(string: message))
                                }
                                try await writer.finish(nil)
                            })
        }
        guard let relative = sitePath(path) else {
            return Response(status: .badRequest)
        }
        var file = relative
        var isDirectory: ObjCBool = false
        let fm = FileManager.default
        if file.isEmpty || file.hasSuffix("/") { file += "index.html" }
        if fm.fileExists(atPath: output.appendingPathComponent(file).path, isDirectory: &isDirectory), isDirectory.boolValue {
            return Response(status: .movedPermanently, headers: [.location: path + "/"])
        }
        var status = HTTPResponse.Status.ok
        var data = fm.contents(atPath: output.appendingPathComponent(file).path)
        if data == nil {
            status = .notFound
            data = fm.contents(atPath: output.appendingPathComponent("404.html").path)
            file = data == nil ? "" : "404.html"
            if data == nil {
                return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: "not found\n")))
            }
        }
        var headers: HTTPFields = [.contentType: contentType(file), .cacheControl: "no-store"]
        var body = ByteBuffer(bytes: data!)
        if file.hasSuffix(".html") {
            let html = LiveReload.inject(into: String(decoding: data!, as: UTF8.self), page: status == .ok ? file : "")
            body = ByteBuffer(string: html)
        }
        headers[.contentLength] = String(body.readableBytes)
        if request.method == .head { return Response(status: status, headers: headers) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    /// The request path as a path inside the site, or nil when it would leave the site folder.
    static func sitePath(_ path: String) -> String? {
        let decoded = path.removingPercentEncoding ?? path
        guard decoded.hasPrefix("/"), !decoded.contains("\0"), !decoded.contains("\\") else { return nil }
        let parts = decoded.split(separator: "/", omittingEmptySubsequences: true)
        if parts.contains(where: { $0 == ".." || $0 == "." || $0.hasPrefix(".") }) { return nil }
        let joined = parts.joined(separator: "/")
        return joined.isEmpty ? "" : joined + (decoded.hasSuffix("/") ? "/" : "")
    }

    static func contentType(_ file: String) -> String {
        switch (file as NSString).pathExtension.lowercased() {
        case "html": return "text/html; charset=utf-8"
        case "js": return "text/javascript; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "json": return "application/json"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "ico": return "image/x-icon"
        case "txt", "md": return "text/plain; charset=utf-8"
        case "pdf": return "application/pdf"
        case "woff2": return "font/woff2"
        default: return "application/octet-stream"
        }
    }
}

enum ProjectPath {
    static func display(_ path: String, root: URL) -> String {
        let base = root.standardizedFileURL.path + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }
}
