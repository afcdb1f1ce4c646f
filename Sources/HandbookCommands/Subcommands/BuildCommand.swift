import ArgumentParser
import Foundation
import HandbookCore

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build content/ into site/ (atomically: on any error the previous site/ is kept).")

    @Option(name: .long, help: "The project folder (holding handbook.yml, content/ and theme/).")
    var root: String = "."

    @Option(name: .long, help: "The site config file, relative to the project folder.")
    var config: String = "handbook.yml"

    @Option(name: .shortAndLong, help: "Output folder, overriding the config's `output`.")
    var output: String?

    @Option(name: .long, help: "Quiz edition: self (self-check, with answers) or exam (no answers anywhere in the output).")
    var edition: String?

    @Flag(name: .shortAndLong, help: "Print per-stage timing.")
    var verbose = false

    func validate() throws {
        if let edition, SiteConfig.Edition(rawValue: edition) == nil {
            throw ValidationError("--edition must be `self` or `exam`, not `\(edition)`")
        }
    }

    func run() throws {
        var options = BuildOptions(root: URL(fileURLWithPath: root), transformers: Blocks.transformers())
        options.configFile = config
        options.outputOverride = output
        options.editionOverride = edition.flatMap(SiteConfig.Edition.init(rawValue:))
        let verbose = self.verbose
        let builder = Builder(options: options, log: { line in if verbose { Console.error(line) } })
        do {
            let report = try builder.build()
            Console.out(report.summary)
            Console.flush()
        } catch {
            Console.report(error)
            throw ExitCode(1)
        }
    }
}
