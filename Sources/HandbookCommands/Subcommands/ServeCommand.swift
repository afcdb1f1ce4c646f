import ArgumentParser
import Foundation
import HandbookCore
import HandbookServe

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Build, serve site/ on 127.0.0.1, rebuild what changes in content/ and theme/, and reload open tabs.",
        discussion: """
            Only loopback addresses (127.0.0.0/8, ::1, localhost) are served unless --host names another address \
            and --allow-remote is given too: the preview server has no authentication. The live-reload script is \
            added to pages as they are served; the files in site/ are the same as `handbook build` writes.
            """)

    @OptionGroup var site: SiteOptions

    @Option(name: .long, help: "Address to listen on (a loopback address unless --allow-remote).")
    var host: String = "127.0.0.1"

    @Option(name: .shortAndLong, help: "Port to listen on (0: any free port).")
    var port: Int = 8000

    @Flag(name: .long, help: "Allow --host to be an address other machines can reach.")
    var allowRemote = false

    @Option(name: .long, help: "How often content/ and theme/ are checked for changes, in milliseconds.")
    var poll: Int = 50

    @Flag(name: .shortAndLong, help: "Log each rebuild's stages and the time from the file change to the reload message.")
    var verbose = false

    func validate() throws {
        if !ServeOptions.isLoopback(host) && !allowRemote {
            throw ValidationError("refusing to serve on `\(host)`: not a loopback address; the preview server has no authentication. "
                                  + "Use the default 127.0.0.1, or add --allow-remote to serve on \(host) anyway")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard (10...5000).contains(poll) else { throw ValidationError("--poll must be 10…5000 ms") }
    }

    func run() throws {
        var options = ServeOptions(build: site.buildOptions)
        options.host = host
        options.port = port
        options.pollInterval = Double(poll) / 1000
        options.verbose = verbose
        let host = self.host
        let server = PreviewServer(options: options, log: { Console.error($0) }, errorLog: { Console.error($0) })

        // Stop on SIGINT/SIGTERM, after a rebuild in progress has finished writing.
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                server.waitForIdle()
                Console.error("stopped")
                Foundation.exit(0)
            }
            source.resume()
            Signals.sources.append(source)
        }

        let done = DispatchSemaphore(value: 0)
        let failure = Signals.Failure()
        Task.detached {
            do {
                try await server.run(onBound: { port in
                    let shown = host.contains(":") ? "[\(host)]" : host
                    Console.error("serving http://\(shown):\(port)/ (Ctrl-C to stop)")
                })
            } catch {
                failure.set("cannot serve on \(host):\(options.port): \(error)")
            }
            done.signal()
        }
        done.wait()
        if let message = failure.message {
            Console.error(message)
            throw ExitCode(1)
        }
    }
}

/// Keeps the signal sources alive for the life of the process.
private enum Signals {
    nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = []

    final class Failure: @unchecked Sendable {
        private let lock = NSLock()
        private var text: String?
        func set(_ message: String) { lock.withLock { text = message } }
        var message: String? { lock.withLock { text } }
    }
}
