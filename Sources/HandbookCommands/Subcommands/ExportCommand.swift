import ArgumentParser
import Foundation
import HandbookCore
import HandbookForms

/// `handbook export`: writes the handbook's definitions in other tools' formats.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export definitions for other tools (quizzes as Moodle GIFT).",
        subcommands: [ExportGIFTCommand.self])
}

/// `handbook export gift`: every quiz (or one) with its answer key in Moodle GIFT format.
struct ExportGIFTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gift",
        abstract: "Write the quizzes, with answers, in Moodle GIFT format (for import into a question bank).",
        discussion: "Exit status: 0 written, 1 the content has errors, 2 unknown quiz id or the output cannot be written.")

    @Option(name: .long, help: "The project folder (holding handbook.yml and content/).")
    var root: String = "."

    @Option(name: .long, help: "The site config file, relative to the project folder.")
    var config: String = "handbook.yml"

    @Option(name: .long, help: "Export only this quiz (its id).")
    var quiz: String?

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func run() throws {
        let catalog: DefinitionCatalog
        do {
            catalog = try DefinitionCatalog.fromContent(root: URL(fileURLWithPath: root), configFile: config)
        } catch {
            Console.report(error)
            throw ExitCode(1)
        }
        let ids = catalog.quizzes.keys.sorted()
        let selected: [String]
        if let quiz {
            guard catalog.quizzes[quiz] != nil else {
                Console.error("handbook export gift: error: unknown quiz `\(quiz)`; "
                              + (ids.isEmpty ? "this handbook has no quizzes" : "this handbook's quizzes are: \(ids.joined(separator: ", "))"))
                throw ExitCode(2)
            }
            selected = [quiz]
        } else {
            guard !ids.isEmpty else {
                Console.error("handbook export gift: error: this handbook has no quizzes")
                throw ExitCode(2)
            }
            selected = Self.inPageOrder(ids, catalog)
        }
        let text = selected.map { GIFT.export(catalog.quizzes[$0]!.definition) }.joined()
        if let output {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                Console.error("\(output): error: cannot write the GIFT file: \(error.localizedDescription)")
                throw ExitCode(2)
            }
            Console.error("wrote \(selected.count) quiz\(selected.count == 1 ? "" : "zes") (\(selected.reduce(0) { $0 + catalog.quizzes[$1]!.definition.questions.count }) questions) to \(output)")
        } else {
            Console.write(text)
            Console.flush()
        }
    }

    /// Quizzes in the order of their pages, then by id (stable output whatever the dictionary order).
    static func inPageOrder(_ ids: [String], _ catalog: DefinitionCatalog) -> [String] {
        ids.sorted { a, b in
            let pa = catalog.quizzes[a]!.page, pb = catalog.quizzes[b]!.page
            return pa != pb ? pa < pb : a < b
        }
    }
}
