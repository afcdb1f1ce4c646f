import ArgumentParser
import Foundation
import HandbookCore

/// `handbook`: builds the handbook site, renders single documents, previews.
public struct HandbookCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "handbook",
        abstract: "Builds the customer-service handbook from Markdown into a static site.",
        subcommands: [BuildCommand.self, RenderCommand.self],
        defaultSubcommand: BuildCommand.self)

    public init() {}
}

/// Writes diagnostics to stderr, one `file:line:col: error: …` each.
enum Console {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func report(_ failure: BuildFailure) {
        for diagnostic in failure.diagnostics { error(diagnostic.description) }
        let count = failure.diagnostics.count
        error("build failed: \(count) error\(count == 1 ? "" : "s"); the previous site was left unchanged")
    }
}
