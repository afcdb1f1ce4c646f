import ArgumentParser
import Foundation
import HandbookCore
import HandbookForms

/// `handbook-check`: validates filled forms against the handbook's checklist definitions.
public struct HandbookCheckCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "handbook-check",
        abstract: "Check filled forms (and grade quizzes) against the handbook's definitions.",
        discussion: "Exit status: 0 all valid, 1 some invalid, 2 unreadable input or bad usage.",
        subcommands: [CheckFormsCommand.self, GradeQuizCommand.self],
        defaultSubcommand: CheckFormsCommand.self)

    public init() {}
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }
enum Language: String, ExpressibleByArgument, CaseIterable { case zh, en }

struct DefinitionOptions: ParsableArguments {
    @Option(name: .long, help: "The handbook project folder; definitions are read from its content/.")
    var root: String = "."

    @Option(name: .long, help: "Read definitions from this forms/definitions.json (written by `handbook build`) instead of content/.")
    var definitions: String?

    func catalog() throws -> DefinitionCatalog {
        do {
            if let definitions { return try DefinitionCatalog.fromDefinitionsFile(URL(fileURLWithPath: definitions)) }
            return try DefinitionCatalog.fromContent(root: URL(fileURLWithPath: root))
        } catch {
            for diagnostic in error.diagnostics { Console.error(diagnostic.description) }
            Console.error("handbook-check: cannot read the definitions")
            throw ExitCode(2)
        }
    }
}

struct CheckFormsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forms",
        abstract: "Validate submissions (JSON files, or folders of them) against the checklist definitions.")

    @OptionGroup var source: DefinitionOptions

    @Option(name: .long, help: "Report format: text or json.")
    var format: OutputFormat = .text

    @Option(name: .long, help: "Message language: zh or en.")
    var lang: Language = .zh

    @Option(name: .long, help: "The current time (ISO 8601 with offset); a filledAt after it is a problem. Default: now.")
    var now: String?

    @Argument(help: "Submission files or folders.")
    var paths: [String]

    func run() throws {
        defer { Console.flush() }
        let catalog = try source.catalog()
        let now = self.now ?? Self.isoNow()
        var report = CheckReport(format: format, lang: lang)
        var batch: [String] = []
        func flush() {
            let results = batch.parallelMap { path in Self.check(path, catalog: catalog, now: now) }
            for result in results { report.add(result, catalog: catalog) }
            batch.removeAll(keepingCapacity: true)
        }
        for path in SubmissionFiles(paths) {
            batch.append(path)
            if batch.count == 512 { flush() }
        }
        flush()
        report.finish()
        Console.flush()
        throw ExitCode(report.exitCode)
    }

    static func isoNow() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone.current
        return formatter.string(from: Date())
    }

    struct FileResult: Sendable {
        enum Outcome: Sendable {
            case checked(form: String, problems: [Problem])
            case unreadable(String)
        }
        var path: String
        var outcome: Outcome
    }

    static func check(_ path: String, catalog: DefinitionCatalog, now: String) -> FileResult {
        switch SubmissionFiles.read(path) {
        case .failure(let error):
            return FileResult(path: path, outcome: .unreadable(error.description))
        case .success(let json):
            guard case .object(let top) = json else {
                return FileResult(path: path, outcome: .unreadable("a submission is a JSON object with `form`, `values` …, not \(json.typeName)"))
            }
            guard let formID = top["form"]?.stringValue else {
                return FileResult(path: path, outcome: .unreadable("the submission has no `form` id; it is not a filled handbook form"))
            }
            guard let form = catalog.forms[formID] else {
                let known = catalog.forms.keys.sorted().joined(separator: ", ")
                return FileResult(path: path, outcome: .unreadable("unknown form `\(formID)`; this handbook's forms are: \(known)"))
            }
            var problems = Checker.check(submission: json, against: form.definition, calendar: catalog.calendar, hash: form.hash, now: now)
            problems = problems.map { problem in
                var p = problem
                switch p.path {
                case "formVersion":
                    p.message += "（当前定义：\(form.definition.id) 第 \(form.definition.version) 版，哈希 \(form.hash.prefix(12))…）"
                    p.messageEN += " (expected \(form.definition.id) version \(form.definition.version), hash \(form.hash.prefix(12))…)"
                case "definitionHash":
                    p.message += "（应为 \(form.hash)，即 \(form.definition.id) 第 \(form.definition.version) 版）"
                    p.messageEN += " (expected \(form.hash), the definition of \(form.definition.id) version \(form.definition.version))"
                default: break
                }
                return p
            }
            return FileResult(path: path, outcome: .checked(form: formID, problems: problems))
        }
    }
}

/// Accumulates results; prints each file's problems as it goes and a batch summary at the end.
struct CheckReport {
    let format: OutputFormat
    let lang: Language
    var checked = 0, valid = 0, invalid = 0, unreadable = 0
    var byRule: [String: Int] = [:]
    private var firstJSON = true

    init(format: OutputFormat, lang: Language) {
        self.format = format
        self.lang = lang
        if format == .json { Console.write("{\"files\":[") }
    }

    var exitCode: Int32 { unreadable > 0 ? 2 : invalid > 0 ? 1 : 0 }

    mutating func add(_ result: CheckFormsCommand.FileResult, catalog: DefinitionCatalog) {
        checked += 1
        switch result.outcome {
        case .unreadable(let reason):
            unreadable += 1
            switch format {
            case .text: Console.out("\(result.path): error: \(reason)")
            case .json: emitJSON(["file": .string(result.path), "status": .string("unreadable"), "error": .string(reason)])
            }
        case .checked(let formID, let problems):
            let form = catalog.forms[formID]!
            if problems.isEmpty { valid += 1 } else { invalid += 1 }
            for problem in problems { byRule[problem.rule, default: 0] += 1 }
            switch format {
            case .text:
                if problems.isEmpty {
                    Console.out("\(result.path): ok (\(formID) 第\(form.definition.version)版)")
                }
                for problem in problems {
                    var line = "\(result.path): \(problem.path.isEmpty ? "(submission)" : problem.path) [\(problem.rule)] \(lang == .en ? problem.messageEN : problem.message)"
                    if let cite = problem.cite {
                        line += lang == .en ? " — see \(cite)" : " —— 依据 \(cite)"
                        if let link = catalog.link(forCite: cite, in: form) { line += " <\(link)>" }
                    }
                    Console.out(line)
                }
            case .json:
                let items: [JSONValue] = problems.map { problem in
                    var object: [String: JSONValue] = ["path": .string(problem.path), "rule": .string(problem.rule),
                                                       "message": .string(lang == .en ? problem.messageEN : problem.message)]
                    if let cite = problem.cite {
                        object["cite"] = .string(cite)
                        if let link = catalog.link(forCite: cite, in: form) { object["link"] = .string(link) }
                    }
                    return .object(object)
                }
                emitJSON(["file": .string(result.path), "form": .string(formID), "status": .string(problems.isEmpty ? "valid" : "invalid"),
                          "problems": .array(items)])
            }
        }
    }

    private mutating func emitJSON(_ object: [String: JSONValue]) {
        Console.write((firstJSON ? "" : ",") + "\n" + JSONText.encode(.object(object)))
        firstJSON = false
    }

    func finish() {
        let rules = byRule.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        switch format {
        case .text:
            var summary = lang == .en
                ? "checked \(checked): \(valid) valid, \(invalid) invalid, \(unreadable) unreadable"
                : "共检查 \(checked) 份：合格 \(valid)，不合格 \(invalid)，无法读取 \(unreadable)"
            if !rules.isEmpty { summary += (lang == .en ? "; by rule: " : "；按规则：") + rules.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }
            Console.out(summary)
        case .json:
            let summary: JSONValue = .object([
                "checked": .number(Double(checked)), "valid": .number(Double(valid)), "invalid": .number(Double(invalid)),
                "unreadable": .number(Double(unreadable)),
                "byRule": .object(Dictionary(uniqueKeysWithValues: rules.map { ($0.key, JSONValue.number(Double($0.value))) })),
            ])
            Console.write("\n],\"summary\":" + JSONText.encode(summary) + "}\n")
        }
    }
}

enum JSONText {
    /// Sorted keys, unescaped slashes (what JSONEncoder with those options wrote, faster).
    static func encode(_ value: JSONValue) -> String { value.compactJSON }
}
