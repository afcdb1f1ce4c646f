import Foundation
import Testing

/// Helpers shared by the forms/quiz/export CLI tests: a runner that also reports how the process ended
/// (exit vs signal) and reads stdout and stderr concurrently, and scratch copies of the forms fixture site.
enum CLI {
    struct Output {
        var status: Int32
        /// False when the process was killed by a signal (a crash).
        var exited: Bool
        var stdoutData: Data
        var stderr: String
        var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
        var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    }

    static func executable(_ tool: String) -> URL {
        let candidate = CLITests.binDirectory.appendingPathComponent(tool)
        if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        return CLITests.repo.appendingPathComponent(".build/debug/\(tool)")
    }

    static func run(_ tool: String, _ arguments: [String], in directory: URL? = nil, stdin: String? = nil) throws -> Output {
        let process = Process()
        process.executableURL = executable(tool)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, exited: process.terminationReason == .exit,
                      stdoutData: outData, stderr: String(decoding: errData, as: UTF8.self))
    }

    static let submissions = CLITests.repo.appendingPathComponent("Tests/Fixtures/submissions")
    /// The `--now` every check runs with, so `filledAt` is never "in the future".
    static let now = "2026-01-01T00:00:00+08:00"

    /// A scratch copy of the fixture sites; `root` is its forms-site. Remove `dir` when done.
    struct Scratch {
        var dir: URL
        var root: URL { dir.appendingPathComponent("forms-site") }
        func remove() { try? FileManager.default.removeItem(at: dir) }

        func write(_ text: String, to relative: String) throws {
            let url = root.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }

        func read(_ relative: String) throws -> String {
            try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
        }
    }

    static func scratch() throws -> Scratch { Scratch(dir: try CLITests.scratchSites()) }

    static func json(_ data: Data) throws -> Any { try JSONSerialization.jsonObject(with: data) }

    static func fixture(_ relative: String) throws -> [String: Any] {
        let data = try Data(contentsOf: submissions.appendingPathComponent(relative))
        return try #require(try json(data) as? [String: Any])
    }
}
