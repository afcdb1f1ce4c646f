import ArgumentParser
import Foundation
import HandbookCore

/// The options every command that builds the site takes (`build`, `serve`).
struct SiteOptions: ParsableArguments {
    @Option(name: .long, help: "The project folder (holding handbook.yml, content/ and theme/).")
    var root: String = "."

    @Option(name: .long, help: "The site config file, relative to the project folder.")
    var config: String = "handbook.yml"

    @Option(name: .shortAndLong, help: "Output folder, overriding the config's `output`.")
    var output: String?

    @Option(name: .long, help: "Quiz edition: self (self-check, with answers) or exam (no answers anywhere in the output).")
    var edition: String?

    func validate() throws {
        if let edition, SiteConfig.Edition(rawValue: edition) == nil {
            throw ValidationError("--edition must be `self` or `exam`, not `\(edition)`")
        }
    }

    var buildOptions: BuildOptions {
        var options = BuildOptions(root: URL(fileURLWithPath: root), transformers: Blocks.transformers())
        options.configFile = config
        options.outputOverride = output
        options.editionOverride = edition.flatMap(SiteConfig.Edition.init(rawValue:))
        return options
    }
}
