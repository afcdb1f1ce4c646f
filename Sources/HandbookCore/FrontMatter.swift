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
    /// The front matter's lines are replaced by empty lines so that cmark's line numbers are the file's.
    /// Works on UTF-8 bytes: it runs on every page of large sites.
    static func split(_ text: String) -> (yaml: String?, body: String, bodyLine: Int) {
        var text = text
        // Offsets found on the bytes; the body is copied out of the (already valid) text, not decoded again.
        let found = text.withUTF8 { bytes -> (yaml: String, bodyStart: Int, lines: Int)? in
            var start = 0
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
            func lineEnd(_ from: Int) -> Int {
                var i = from
                while i < bytes.count, bytes[i] != 0x0A { i += 1 }
                return i
            }
            func isFence(_ from: Int, _ to: Int) -> Bool {
                var end = to
                while end > from, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 || bytes[end - 1] == 0x0D { end -= 1 }
                return end - from == 3 && bytes[from] == 0x2D && bytes[from + 1] == 0x2D && bytes[from + 2] == 0x2D
            }
            let firstEnd = lineEnd(start)
            guard isFence(start, firstEnd), firstEnd < bytes.count else { return nil }
            var lineStart = firstEnd + 1
            var lines = 1
            while lineStart <= bytes.count {
                let end = lineEnd(lineStart)
                lines += 1
                let dots = end - lineStart == 3 && bytes[lineStart] == 0x2E && bytes[lineStart + 1] == 0x2E && bytes[lineStart + 2] == 0x2E
                if isFence(lineStart, end) || dots {
                    let yaml = String(decoding: bytes[(firstEnd + 1)..<max(firstEnd + 1, lineStart - 1)], as: UTF8.self)
                    return (yaml, min(end + 1, bytes.count), lines)
                }
                if end >= bytes.count { break }
                lineStart = end + 1
            }
            return nil
        }
        guard let found else { return (nil, text, 1) }
        // The front matter's lines become empty lines, so that the body's line numbers are the file's.
        let rest = text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: found.bodyStart)...]
        var body = ""
        body.reserveCapacity(found.lines + rest.count)
        body += String(repeating: "\n", count: found.lines)
        body += Substring(rest)
        return (found.yaml, body, found.lines + 1)
    }

    /// Parses front matter YAML (starting on line 2 of `file`), strictly. The usual `key: value` lines are
    /// read directly (`KeyValueLines`); anything else is composed by Yams.
    static func parse(_ yaml: String?, file: String) throws(BuildFailure) -> FrontMatter {
        guard let yaml else {
            throw BuildFailure([Diagnostic(stage: .load, file: file, line: 1, column: 1,
                                           message: "the page has no front matter",
                                           hint: "start the file with\n---\ntitle: 页面标题\n---")])
        }
        let lineOffset = 1
        let entries: [YAMLEntry]
        if let lines = KeyValueLines.parse(yaml) {
            entries = lines
        } else {
            guard let root = try YAMLParsing.compose(yaml, file: file, stage: .load, lineOffset: lineOffset),
                  case .mapping = root else {
                throw BuildFailure([Diagnostic(stage: .load, file: file, line: 2, message: "front matter must be a mapping with at least `title`",
                                               hint: "write `title: 页面标题` between the --- lines")])
            }
            entries = YAMLMapping(node: root).entries
        }
        var problems: [Diagnostic] = []
        var matter = FrontMatter()
        func problem(_ position: (line: Int, column: Int), _ message: String, _ hint: String? = nil) {
            problems.append(Diagnostic(stage: .load, file: file, line: position.line + lineOffset, column: position.column, message: message, hint: hint))
        }
        func text(_ entry: YAMLEntry) -> String? {
            let value = entry.value
            guard value.isScalar, let s = value.string, !value.isNull else { problem(entry.valuePosition, "`\(entry.key)` must be a text value"); return nil }
            return s
        }
        for entry in entries {
            let key = entry.key, value = entry.value
            switch key {
            case "title":
                if let s = text(entry) {
                    if s.unicodeScalars.allSatisfy(CharacterSet.whitespaces.contains) { problem(entry.valuePosition, "`title` must not be empty") }
                    matter.title = s
                }
            case "order":
                if value.isScalar, let n = value.wholeNumber { matter.order = n } else { problem(entry.valuePosition, "`order` must be a whole number", "e.g. `order: 3`") }
            case "id":
                if let s = text(entry) {
                    if s.range(of: "^[A-Za-z][A-Za-z0-9_-]*$", options: .regularExpression) == nil {
                        problem(entry.valuePosition, "page id `\(s)` must be ASCII letters, digits, - or _, starting with a letter")
                    } else { matter.id = s }
                }
            case "summary": matter.summary = text(entry)
            case "owner": matter.owner = text(entry)
            case "version": matter.version = text(entry)
            case "effective":
                if let s = text(entry) {
                    if s.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) == nil {
                        problem(entry.valuePosition, "`effective` must be a date YYYY-MM-DD", "e.g. `effective: 2025-01-01`")
                    } else { matter.effective = s }
                }
            default:
                problem(entry.keyPosition, "unknown front matter key `\(key)`",
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
