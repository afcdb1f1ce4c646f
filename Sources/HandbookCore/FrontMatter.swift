import Foundation
import Yams

/// A page's front matter. `title` is required; unknown keys are errors.
public struct FrontMatter: Sendable, Equatable {
    public var title: String = ""
    public var order: Int?
    public var id: String?
    public var summary: String?
    public var owner: String?
    public var effective: String?
    public var version: String?

    static let keys = ["title", "order", "id", "summary", "owner", "effective", "version"]

    /// Splits `---` front matter from the body. Returns the YAML, the body, and the body's first line number.
    static func split(_ text: String) -> (yaml: String?, body: String, bodyLine: Int) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, first.trimmingCharacters(in: .whitespaces) == "---" || first == "\u{FEFF}---" else {
            return (nil, text, 1)
        }
        lines.removeFirst()
        guard let close = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" || $0 == "..." }) else {
            return (nil, text, 1)
        }
        let yaml = lines[..<close].joined(separator: "\n")
        // Blank lines replace the front matter so that cmark's line numbers stay the file's line numbers.
        let padding = String(repeating: "\n", count: close + 2)
        let body = padding + lines[(close + 1)...].joined(separator: "\n")
        return (yaml, body, close + 3)
    }

    /// Parses front matter YAML (starting on line 2 of `file`), strictly.
    static func parse(_ yaml: String?, file: String) throws(BuildFailure) -> FrontMatter {
        guard let yaml else {
            throw BuildFailure([Diagnostic(stage: .load, file: file, line: 1, column: 1,
                                           message: "the page has no front matter",
                                           hint: "start the file with\n---\ntitle: 页面标题\n---")])
        }
        let lineOffset = 1
        guard let root = try YAMLParsing.compose(yaml, file: file, stage: .load, lineOffset: lineOffset),
              case .mapping = root else {
            throw BuildFailure([Diagnostic(stage: .load, file: file, line: 2, message: "front matter must be a mapping with at least `title`",
                                           hint: "write `title: 页面标题` between the --- lines")])
        }
        var problems: [Diagnostic] = []
        var matter = FrontMatter()
        func problem(_ node: Node, _ message: String, _ hint: String? = nil) {
            let pos = node.position(lineOffset: lineOffset)
            problems.append(Diagnostic(stage: .load, file: file, line: pos.line, column: pos.column, message: message, hint: hint))
        }
        func text(_ node: Node, _ key: String) -> String? {
            guard node.isScalar, let s = node.string, !node.isNull else { problem(node, "`\(key)` must be a text value"); return nil }
            return s
        }
        for (key, keyNode, value) in YAMLMapping(node: root).pairs {
            switch key {
            case "title":
                if let s = text(value, key) {
                    if s.trimmingCharacters(in: .whitespaces).isEmpty { problem(value, "`title` must not be empty") }
                    matter.title = s
                }
            case "order":
                if value.isScalar, let n = value.int { matter.order = n } else { problem(value, "`order` must be a whole number", "e.g. `order: 3`") }
            case "id":
                if let s = text(value, key) {
                    if s.range(of: "^[A-Za-z][A-Za-z0-9_-]*$", options: .regularExpression) == nil {
                        problem(value, "page id `\(s)` must be ASCII letters, digits, - or _, starting with a letter")
                    } else { matter.id = s }
                }
            case "summary": matter.summary = text(value, key)
            case "owner": matter.owner = text(value, key)
            case "version": matter.version = text(value, key)
            case "effective":
                if let s = text(value, key) {
                    if s.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) == nil {
                        problem(value, "`effective` must be a date YYYY-MM-DD", "e.g. `effective: 2025-01-01`")
                    } else { matter.effective = s }
                }
            default:
                problem(keyNode, "unknown front matter key `\(key)`",
                        "allowed keys: \(keys.joined(separator: ", "))" + SiteConfig.suggestion(for: key, among: keys))
            }
        }
        if matter.title.isEmpty && !problems.contains(where: { $0.message.contains("title") }) {
            problems.append(Diagnostic(stage: .load, file: file, line: 2, message: "front matter has no `title`", hint: "add `title: 页面标题`"))
        }
        if !problems.isEmpty { throw BuildFailure(problems) }
        return matter
    }
}
