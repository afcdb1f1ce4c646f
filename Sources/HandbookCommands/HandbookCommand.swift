import ArgumentParser
import Foundation
import HandbookCore

/// `handbook`: builds the handbook site, renders single documents, previews.
public struct HandbookCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "handbook",
        abstract: "Builds the customer-service handbook from Markdown into a static site.",
        subcommands: [BuildCommand.self, RenderCommand.self, ExportCommand.self, ServeCommand.self],
        defaultSubcommand: BuildCommand.self)

    public init() {}
}

/// Writes diagnostics to stderr, one `file:line:col: error: …` each.
enum Console {
    static func error(_ text: String) {
        flush()
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func out(_ text: String) {
        write(text + "\n")
    }

    /// Standard output, buffered: reports of 100,000 files are written in large chunks.
    nonisolated(unsafe) private static var buffer: [UInt8] = []

    static func write(_ text: String) {
        buffer += Array(text.utf8)
        if buffer.count > 1 << 16 { flush() }
    }

    static func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    static func report(_ failure: BuildFailure) {
        for diagnostic in failure.diagnostics { error(diagnostic.description) }
        let count = failure.diagnostics.count
        error("build failed: \(count) error\(count == 1 ? "" : "s"); the previous site was left unchanged")
    }
}
