import ArgumentParser
import Foundation
import HandbookCore

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Print the HTML body for one Markdown document (like `cmark`), with heading ids and block transforms.")

    @Flag(name: .long, help: "Pass raw HTML through (like `cmark --unsafe`).")
    var trusted = false

    @Argument(help: "A Markdown file, or - for standard input.")
    var file: String

    func run() throws {
        let text: String
        if file == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            guard let data = FileManager.default.contents(atPath: file) else {
                Console.error("\(file): error: cannot read the file")
                throw ExitCode(2)
            }
            guard let decoded = String(data: data, encoding: .utf8) else {
                Console.error("\(file):1:1: error: the file is not valid UTF-8 text")
                throw ExitCode(2)
            }
            text = decoded
        }
        do {
            let html = try DocumentRenderer.render(text, file: file == "-" ? "<stdin>" : file, trusted: trusted,
                                                   transformers: Blocks.transformers())
            FileHandle.standardOutput.write(Data(html.utf8))
        } catch {
            for diagnostic in error.diagnostics { Console.error(diagnostic.description) }
            throw ExitCode(1)
        }
    }
}
