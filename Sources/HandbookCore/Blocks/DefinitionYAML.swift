import CmarkBridge
import Foundation
import HandbookForms
import Yams

/// Decodes a block's YAML into a definition; every problem becomes a diagnostic at the Markdown file's
/// line and column (the block's first content line plus the position inside the YAML).
enum DefinitionYAML {
    /// Most blocks are plain YAML and take a fast way: `PlainYAMLReader` (no libyaml) when it reads the block,
    /// else `PlainYAML` (libyaml without tag resolution); both decode with `NodeDecoder`, the reader's trees
    /// first with `PlainDefinitions` (no `Decoder`). The rest, and every error, go through `Yams.compose` and
    /// `YAMLDecoder` as they always did.
    static func decode<T: Decodable>(_ type: T.Type, from block: FencedBlock) throws(BuildFailure) -> (T, DefinitionTree) {
        if let tree = PlainYAMLReader.read(block.literal),
           let value = PlainDefinitions.read(T.self, from: tree) ?? (try? NodeDecoder(tree).decode(T.self)) {
            return (value, DefinitionTree(block: block, node: nil, plain: tree))
        }
        let plain = PlainYAML.compose(block.literal)
        let lineOffset = block.contentLine - 1
        var composed = plain?.node
        if plain == nil {
            composed = try YAMLParsing.compose(block.literal, file: block.displayPath, stage: .transform, lineOffset: lineOffset)
        }
        guard let node = composed, case .mapping = node else {
            throw BuildFailure([Diagnostic(stage: .transform, file: block.displayPath, line: block.contentLine, column: block.contentColumn,
                                           message: "the \(block.info) block is empty or not a YAML mapping",
                                           hint: "write `id:`, `title:` and the rest as in docs/blocks.md")])
        }
        do {
            let value = try plain.map { try NodeDecoder($0.tree).decode(T.self) } ?? YAMLDecoder().decode(T.self, from: node)
            return (value, DefinitionTree(block: block, node: node, plain: plain?.tree))
        } catch {
            throw BuildFailure([diagnostic(DefinitionIssue(decodingError: error), in: node, block: block)])
        }
    }

    /// A decoded block's YAML, kept to place its validation problems and its cites.
    struct DefinitionTree {
        let block: FencedBlock
        /// Yams' tree, when the block went through Yams.
        let node: Node?
        /// The plain tree, with marks, when the block is plain.
        let plain: PlainNode?

        /// Yams' tree: the one composed, or one composed now for a block read without Yams (which is valid YAML).
        var yamsNode: Node? {
            node ?? (try? YAMLParsing.compose(block.literal, file: block.displayPath, stage: .transform, lineOffset: block.contentLine - 1))
        }
    }

    /// A validation problem at the value it concerns.
    static func diagnostic(_ issue: DefinitionIssue, in tree: DefinitionTree) -> Diagnostic {
        guard let node = tree.yamsNode else {
            return Diagnostic(stage: .transform, file: tree.block.displayPath, line: tree.block.contentLine, column: tree.block.contentColumn,
                              message: message(issue, block: tree.block), hint: issue.hint)
        }
        return diagnostic(issue, in: node, block: tree.block)
    }

    /// References for every `cite` in a definition, positioned at the cite's value.
    static func references(_ cites: [CiteReference], in tree: DefinitionTree) -> [BlockReference] {
        guard let plain = tree.plain else { return tree.node.map { references(cites, in: $0, block: tree.block) } ?? [] }
        let block = tree.block
        return cites.map { cite in
            var mark = plain.locate(cite.codingPath).mark
            if case .node(let parent) = plain.locate(Array(cite.codingPath.dropLast())), let value = parent.value("cite") {
                mark = value.mark
            }
            return BlockReference(target: cite.cite, pagePath: block.pagePath, displayPath: block.displayPath,
                                  line: block.contentLine - 1 + (mark?.line ?? 1),
                                  column: block.contentColumn - 1 + (mark?.column ?? 1))
        }
    }

    /// The node at `path`, or the deepest one that exists; for a mapping key, the key itself.
    static func locate(_ path: [PathComponent], in root: Node) -> Node {
        var node = root
        for (position, component) in path.enumerated() {
            switch (component, node) {
            case (.key(let key), .mapping(let mapping)):
                guard let pair = pair(key, in: mapping) else { return node }
                node = position == path.count - 1 ? pair.key : pair.value
            case (.index(let index), .sequence(let sequence)):
                guard index >= 0, index < sequence.count else { return node }
                node = sequence[index]
            default:
                return node
            }
        }
        return node
    }

    /// The first pair with this key. By index: iterating a `Node.Mapping` copies its pairs into a new array.
    private static func pair(_ key: String, in mapping: Node.Mapping) -> (key: Node, value: Node)? {
        mapping.indices.first { mapping[$0].key.string == key }.map { mapping[$0] }
    }

    static func diagnostic(_ issue: DefinitionIssue, in root: Node, block: FencedBlock) -> Diagnostic {
        let node = locate(issue.codingPath, in: root)
        let mark = node.mark ?? root.mark
        let line = block.contentLine - 1 + (mark?.line ?? 1)
        let column = block.contentColumn - 1 + (mark?.column ?? 1)
        return Diagnostic(stage: .transform, file: block.displayPath, line: line, column: column, message: message(issue, block: block), hint: issue.hint)
    }

    private static func message(_ issue: DefinitionIssue, block: FencedBlock) -> String {
        let path = PathComponent.render(issue.codingPath)
        return "\(block.info) \(path.isEmpty ? "" : "`\(path)`: ")\(issue.messageEN) (\(issue.message))"
    }

    /// References for every `cite` in a definition, positioned at the cite's value.
    static func references(_ cites: [CiteReference], in root: Node, block: FencedBlock) -> [BlockReference] {
        cites.map { cite in
            var node = locate(cite.codingPath, in: root)
            if case .mapping(let mapping) = locate(Array(cite.codingPath.dropLast()), in: root),
               let value = pair("cite", in: mapping)?.value {
                node = value
            }
            let mark = node.mark
            return BlockReference(target: cite.cite, pagePath: block.pagePath, displayPath: block.displayPath,
                                  line: block.contentLine - 1 + (mark?.line ?? 1),
                                  column: block.contentColumn - 1 + (mark?.column ?? 1))
        }
    }

    /// A cite as a link from the page it is written on: `05-complaints.md#第31条` → `05-complaints.html#第31条`.
    static func citeHref(_ cite: String) -> String {
        let (path, fragment) = LinkResolver.splitFragment(cite)
        let page = path.hasSuffix(".md") ? String(path.dropLast(3)) + ".html" : path
        return HTMLEscaping.escapeHref(page + (fragment.map { "#" + $0 } ?? ""))
    }

    /// JSON text for embedding in a data file.
    static func json<T: Encodable>(_ value: T) -> String {
        (try? String(decoding: Canonical.json(value), as: UTF8.self)) ?? "null"
    }

    /// A string or a string table: the same text as the generic `json`, without a JSONEncoder each
    /// (`JSONValue.compactJSON` is held to JSONEncoder's output by HandbookForms' tests).
    static func json(_ value: String) -> String { JSONValue.string(value).compactJSON }

    static func json(_ value: [String: String]) -> String { JSONValue.object(value.mapValues(JSONValue.string)).compactJSON }

    /// A JSON value (a form's submission schema): the same text, written directly rather than through Codable
    /// (the schemas were half of the blocks' finish).
    static func json(_ value: JSONValue) -> String { value.compactJSON }
}



/// Text remembered by key (a definition's hash, which fixes its canonical JSON and so everything made from it).
final class TextMemo: @unchecked Sendable {
    private var texts: [String: String] = [:]
    private let lock = NSLock()

    func text(for key: String, _ make: () -> String) -> String {
        lock.lock()
        let known = texts[key]
        lock.unlock()
        if let known { return known }
        let text = make()
        lock.lock()
        texts[key] = text
        lock.unlock()
        return text
    }
}
