import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `handbook serve`: loopback only unless asked, serves the built site with the reload script, stops on SIGTERM.
/// Only loopback addresses are ever bound here; every wait is bounded and the server is always stopped.
struct ServeCLITests {
    @Test(arguments: ["0.0.0.0", "::", "192.168.1.10", "example.com"])
    func refusesNonLoopbackHostWithoutAllowRemote(host: String) throws {
        let sites = try CLITests.scratchSites()
        defer { try? FileManager.default.removeItem(at: sites) }
        let root = sites.appendingPathComponent("basic")
        let result = try CLITests.run("handbook", ["serve", "--root", root.path, "--host", host, "--port", "0"])
        #expect(result.status == 64, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("refusing to serve on `\(host)`: not a loopback address"))
        #expect(result.stderr.contains("--allow-remote"))
        // Refused before building or binding anything.
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("site").path))
    }

    /// A running server: its port, stderr so far, and how to stop it.
    final class Server: @unchecked Sendable {
        let process = Process()
        private let lock = NSLock()
        private var errText = ""

        init(root: URL, extra: [String] = []) throws {
            var executable = CLITests.binDirectory.appendingPathComponent("handbook")
            if !FileManager.default.fileExists(atPath: executable.path) { executable = CLITests.repo.appendingPathComponent(".build/debug/handbook") }
            process.executableURL = executable
            process.arguments = ["serve", "--root", root.path, "--port", "0"] + extra
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            err.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let data = handle.availableData
                guard let self, !data.isEmpty else { return }
                self.lock.withLock { self.errText += String(decoding: data, as: UTF8.self) }
            }
            try process.run()
        }

        var stderr: String { lock.withLock { errText } }

        /// Waits (at most `seconds`) for the "serving http://127.0.0.1:PORT/" line.
        func port(within seconds: Double = 60) -> Int? {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline, process.isRunning {
                if let match = stderr.firstMatch(of: /serving http:\/\/127\.0\.0\.1:(\d+)\//) { return Int(match.1) }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return nil
        }

        func stop() -> Int32 {
            if process.isRunning { process.terminate() }
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
            return process.terminationStatus
        }
    }

    static func get(_ url: String) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        request.timeoutInterval = 10
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func servesTheSiteWithTheReloadScriptOnLoopback() async throws {
        let sites = try CLITests.scratchSites()
        defer { try? FileManager.default.removeItem(at: sites) }
        let root = sites.appendingPathComponent("basic")
        let server = try Server(root: root)
        defer { _ = server.stop() }
        guard let port = server.port() else {
            Issue.record("the server did not start: \(server.stderr)")
            return
        }
        let (status, html) = try await Self.get("http://127.0.0.1:\(port)/guide/detail.html")
        #expect(status == 200)
        #expect(html.contains("<script src=\"/__handbook/reload.js\" data-page=\"guide/detail.html\" defer></script>"))
        #expect(html.contains("connect-src 'self'"))
        let (scriptStatus, script) = try await Self.get("http://127.0.0.1:\(port)/__handbook/reload.js")
        #expect(scriptStatus == 200)
        #expect(script.contains("EventSource"))
        let (missing, _) = try await Self.get("http://127.0.0.1:\(port)/no-such-page.html")
        #expect(missing == 404)
        // The files on disk are the plain build: no reload script.
        let onDisk = try String(contentsOf: root.appendingPathComponent("site/guide/detail.html"), encoding: .utf8)
        #expect(!onDisk.contains("__handbook"))
        #expect(server.stop() == 0)
        #expect(server.stderr.contains("stopped"))
    }
}
