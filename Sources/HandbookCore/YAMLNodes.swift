import Foundation
import Yams

/// Strict, position-aware reading of small YAML mappings (site config, front matter).
/// Yams gives 1-based lines and columns counted in Unicode scalars.
struct YAMLMapping {
    let node: Node
    let pairs: [(key: String, keyNode: Node, value: Node)]

    init(node: Node) {
        self.node = node
        var pairs: [(String, Node, Node)] = []
        if case .mapping(let mapping) = node {
            for (key, value) in mapping { pairs.append((key.string ?? "", key, value)) }
        }
        self.pairs = pairs.map { (key: $0.0, keyNode: $0.1, value: $0.2) }
    }

    subscript(key: String) -> Node? {
        pairs.first { $0.key == key }?.value
    }
}

extension Node {
    /// Position of this node, shifted by `lineOffset` lines (for YAML embedded in a larger file).
    func position(lineOffset: Int = 0, columnOffset: Int = 0) -> (line: Int, column: Int) {
        guard let mark else { return (1 + lineOffset, 1) }
        return (mark.line + lineOffset, mark.column + columnOffset)
    }

    var isScalar: Bool {
        if case .scalar = self { return true }
        return false
    }

    var isNull: Bool {
        if case .scalar(let scalar) = self { return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string) }
        return false
    }
}

enum YAMLParsing {
    /// Parses YAML text into a node; a syntax error becomes a diagnostic at its line and column.
    static func compose(_ text: String, file: String, stage: BuildStage, lineOffset: Int = 0) throws(BuildFailure) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            var line = 1 + lineOffset, column = 1
            var message = "\(error)"
            switch error {
            case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
                line = mark.line + lineOffset
                column = mark.column
                message = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            default:
                break
            }
            throw BuildFailure([Diagnostic(stage: stage, file: file, line: line, column: column,
                                           message: "invalid YAML: \(message)",
                                           hint: "check indentation and quoting; values containing ': ' or '#' need quotes")])
        } catch {
            throw BuildFailure([Diagnostic(stage: stage, file: file, line: 1 + lineOffset, message: "invalid YAML: \(error)")])
        }
    }
}
