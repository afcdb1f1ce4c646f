import ArgumentParser
import Foundation
import HandbookCore

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build content/ into site/ (atomically: on any error the previous site/ is kept).")

    @OptionGroup var site: SiteOptions

    @Flag(name: .shortAndLong, help: "Print per-stage timing.")
    var verbose = false

    func run() throws {
        let verbose = self.verbose
        var options = site.buildOptions
        options.timesStages = verbose
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
