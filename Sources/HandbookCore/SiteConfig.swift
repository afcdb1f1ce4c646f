import Foundation
import Yams

/// The site configuration, `handbook.yml` at the project root. Unknown keys are errors.
public struct SiteConfig: Sendable, Equatable {
    public enum Edition: String, Sendable { case selfCheck = "self", exam }

    public var title: String
    public var language: String = "zh-CN"
    public var baseURL: String = ""
    public var description: String = ""
    public var version: String = ""
    public var contentDirectory: String = "content"
    public var themeDirectory: String = "theme"
    public var outputDirectory: String = "site"
    public var allowRawHTML: Bool = false
    public var edition: Edition = .selfCheck
    /// A YAML file of company days off (`daysOff: [YYYY-MM-DD…]`) and extra working days, relative to the root.
    public var companyCalendar: String?
    /// Read from `companyCalendar` at load time: extra company days off, `YYYY-MM-DD`.
    public var companyDaysOff: [String] = []

    public init(title: String) {
        self.title = title
    }

    static let keys: [String: String] = [
        "title": "the handbook's title",
        "language": "zh-CN or en",
        "baseURL": "the published URL (informational; all links stay relative)",
        "description": "one sentence for the home page",
        "version": "the handbook's version, written into submissions",
        "content": "folder of Markdown pages",
        "theme": "folder of templates and assets",
        "output": "folder the site is written to",
        "allowRawHTML": "pass author HTML through (true/false)",
        "edition": "self (self-check quizzes) or exam",
        "companyCalendar": "YAML file of company days off",
    ]

    /// Parses and strictly validates a config file's text; every problem is reported with line and column.
    public static func parse(_ text: String, file: String) throws(BuildFailure) -> SiteConfig {
        guard let root = try YAMLParsing.compose(text, file: file, stage: .load) else {
            throw BuildFailure([Diagnostic(stage: .load, file: file, message: "the site config is empty",
                                           hint: "add at least `title: 销售与客户服务手册`")])
        }
        guard case .mapping = root else {
            let pos = root.position()
            throw BuildFailure([Diagnostic(stage: .load, file: file, line: pos.line, column: pos.column,
                                           message: "the site config must be a mapping of keys to values")])
        }
        let mapping = YAMLMapping(node: root)
        var problems: [Diagnostic] = []
        var config = SiteConfig(title: "")
        var sawTitle = false

        func problem(_ node: Node, _ message: String, _ hint: String? = nil) {
            let pos = node.position()
            problems.append(Diagnostic(stage: .load, file: file, line: pos.line, column: pos.column, message: message, hint: hint))
        }
        func string(_ node: Node, _ key: String) -> String? {
            guard node.isScalar, let value = node.string else {
                problem(node, "`\(key)` must be a text value"); return nil
            }
            return value
        }

        for (key, keyNode, value) in mapping.pairs {
            switch key {
            case "title":
                if let s = string(value, key) {
                    sawTitle = true
                    if s.trimmingCharacters(in: .whitespaces).isEmpty { problem(value, "`title` must not be empty") }
                    config.title = s
                }
            case "language":
                if let s = string(value, key) {
                    if ["zh-CN", "en"].contains(s) { config.language = s } else { problem(value, "unsupported language `\(s)`", "use zh-CN or en") }
                }
            case "baseURL": if let s = string(value, key) { config.baseURL = s }
            case "description": if let s = string(value, key) { config.description = s }
            case "version": if let s = string(value, key) { config.version = s }
            case "content": if let s = string(value, key) { config.contentDirectory = s }
            case "theme": if let s = string(value, key) { config.themeDirectory = s }
            case "output": if let s = string(value, key) { config.outputDirectory = s }
            case "companyCalendar": if let s = string(value, key) { config.companyCalendar = s }
            case "allowRawHTML":
                if let b = value.bool, value.isScalar { config.allowRawHTML = b } else { problem(value, "`allowRawHTML` must be true or false") }
            case "edition":
                if let s = string(value, key) {
                    if let edition = Edition(rawValue: s) { config.edition = edition } else { problem(value, "unknown edition `\(s)`", "use self or exam") }
                }
            default:
                problem(keyNode, "unknown config key `\(key)`", "known keys: " + keys.keys.sorted().joined(separator: ", ") + Self.suggestion(for: key, among: Array(keys.keys)))
            }
        }
        if !sawTitle {
            problems.append(Diagnostic(stage: .load, file: file, message: "the site config has no `title`", hint: "add `title: 销售与客户服务手册`"))
        }
        if !problems.isEmpty { throw BuildFailure(problems) }
        return config
    }

    /// " (did you mean `x`?)" when a known key is one or two edits away.
    static func suggestion(for key: String, among known: [String]) -> String {
        let best = known.map { ($0, editDistance($0.lowercased(), key.lowercased())) }.min { $0.1 < $1.1 }
        if let best, best.1 <= 2 { return " (did you mean `\(best.0)`?)" }
        return ""
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where j <= b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
