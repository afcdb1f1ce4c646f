import CCmark
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses CommonMark with libcmark and converts the whole tree into a `MarkdownTree`.
/// Every C pointer is freed before `parse` returns; no cmark type leaves this file.
public enum CmarkParser {
    /// Documents nested deeper than this (block quotes in lists in block quotes …) are refused: every
    /// later pass walks the tree recursively, and a handbook never needs more.
    public static let maximumDepth = 128

    /// Where a document first nests deeper than `maximumDepth`.
    public struct NestingTooDeep: Error, Sendable, Equatable {
        public var position: SourcePosition
    }

    /// Parses and converts, refusing documents nested deeper than `maximumDepth`.
    public static func parseChecked(_ markdown: String) -> Result<MarkdownTree, NestingTooDeep> {
        var tooDeep: SourcePosition?
        let tree = parse(markdown, tooDeep: &tooDeep)
        if let tooDeep { return .failure(NestingTooDeep(position: tooDeep)) }
        return .success(tree)
    }

    /// Parses and converts the whole tree (no depth limit beyond the stack; for trusted input and tests).
    public static func parse(_ markdown: String) -> MarkdownTree {
        var ignored: SourcePosition?
        return parse(markdown, tooDeep: &ignored, limit: Int.max)
    }

    private static func parse(_ markdown: String, tooDeep: inout SourcePosition?, limit: Int = maximumDepth) -> MarkdownTree {
        var source = markdown
        return source.withUTF8 { bytes -> MarkdownTree in
            let options = CMARK_OPT_DEFAULT
            let origin = SourcePosition(line: 1, column: 1)
            guard let root = bytes.withMemoryRebound(to: CChar.self, { chars in
                cmark_parse_document(chars.baseAddress, chars.count, options)
            }) else {
                return MarkdownTree(nodes: [MarkdownTree.Node(kind: .document, start: origin, end: origin)], text: "")
            }
            defer { cmark_node_free(root) }
            var converter = Converter(limit: limit, sourceSize: bytes.count)
            _ = converter.convert(root, inherited: origin, depth: 0)
            tooDeep = converter.tooDeep
            // The literals are the source's text (valid UTF-8) or cmark's decoding of entities and escapes:
            // one check for them all instead of one String per text node.
            return MarkdownTree(nodes: converter.nodes, text: String(decoding: converter.bytes, as: UTF8.self))
        }
    }

    /// The version of the linked libcmark, e.g. "0.30.2".
    public static var libraryVersion: String {
        String(cString: cmark_version_string())
    }

    /// Walks cmark's tree into the flat node array and the one text buffer.
    private struct Converter {
        let limit: Int
        var nodes: [MarkdownTree.Node] = []
        var bytes: [UInt8] = []
        var tooDeep: SourcePosition?

        init(limit: Int, sourceSize: Int) {
            self.limit = limit
            nodes.reserveCapacity(sourceSize / 24 + 8)
            bytes.reserveCapacity(sourceSize)
        }

        /// Converts `node` and its descendants; returns its index.
        mutating func convert(_ node: OpaquePointer, inherited: SourcePosition, depth: Int) -> Int32 {
            var start = SourcePosition(line: Int(cmark_node_get_start_line(node)), column: Int(cmark_node_get_start_column(node)))
            var end = SourcePosition(line: Int(cmark_node_get_end_line(node)), column: Int(cmark_node_get_end_column(node)))
            if start.line == 0 { start = inherited }
            if end.line == 0 { end = start }
            let index = nodes.count
            nodes.append(converted(node, start: start, end: end))
            if depth >= limit {
                if tooDeep == nil { tooDeep = start }
                return Int32(index)
            }
            var previous: Int32 = -1
            var child = cmark_node_first_child(node)
            while let current = child {
                let converted = convert(current, inherited: start, depth: depth + 1)
                if previous < 0 { nodes[index].firstChild = converted } else { nodes[Int(previous)].nextSibling = converted }
                previous = converted
                child = cmark_node_next(current)
            }
            return Int32(index)
        }

        private mutating func converted(_ node: OpaquePointer, start: SourcePosition, end: SourcePosition) -> MarkdownTree.Node {
            func make(_ kind: MarkdownTree.Kind) -> MarkdownTree.Node { MarkdownTree.Node(kind: kind, start: start, end: end) }
            switch cmark_node_get_type(node) {
            case CMARK_NODE_DOCUMENT: return make(.document)
            case CMARK_NODE_BLOCK_QUOTE: return make(.blockQuote)
            case CMARK_NODE_LIST:
                var list = make(.list)
                list.isOrdered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST
                list.listStart = cmark_node_get_list_start(node)
                list.isTight = cmark_node_get_list_tight(node) != 0
                return list
            case CMARK_NODE_ITEM: return make(.item)
            case CMARK_NODE_CODE_BLOCK:
                var block = make(.codeBlock)
                block.second = literal(cmark_node_get_fence_info(node))
                block.first = literal(cmark_node_get_literal(node))
                return block
            case CMARK_NODE_HTML_BLOCK: return withLiteral(make(.htmlBlock), node)
            case CMARK_NODE_PARAGRAPH: return make(.paragraph)
            case CMARK_NODE_HEADING:
                var heading = make(.heading)
                heading.level = UInt8(truncatingIfNeeded: cmark_node_get_heading_level(node))
                return heading
            case CMARK_NODE_THEMATIC_BREAK: return make(.thematicBreak)
            case CMARK_NODE_TEXT: return withLiteral(make(.text), node)
            case CMARK_NODE_SOFTBREAK: return make(.softBreak)
            case CMARK_NODE_LINEBREAK: return make(.lineBreak)
            case CMARK_NODE_CODE: return withLiteral(make(.code), node)
            case CMARK_NODE_HTML_INLINE: return withLiteral(make(.htmlInline), node)
            case CMARK_NODE_EMPH: return make(.emphasis)
            case CMARK_NODE_STRONG: return make(.strong)
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
                var link = make(cmark_node_get_type(node) == CMARK_NODE_LINK ? .link : .image)
                link.first = literal(cmark_node_get_url(node))
                link.second = literal(cmark_node_get_title(node))
                return link
            default:
                // Custom blocks and inlines are never produced by the parser.
                return make(.generatedHTML)
            }
        }

        private mutating func withLiteral(_ node: MarkdownTree.Node, _ cNode: OpaquePointer) -> MarkdownTree.Node {
            var node = node
            node.first = literal(cmark_node_get_literal(cNode))
            return node
        }

        /// Copies a C string's bytes into the text buffer.
        private mutating func literal(_ pointer: UnsafePointer<CChar>?) -> MarkdownTree.TextRange {
            guard let pointer else { return .empty }
            let count = strlen(pointer)
            let offset = bytes.count
            pointer.withMemoryRebound(to: UInt8.self, capacity: count) { bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: count)) }
            return MarkdownTree.TextRange(offset: UInt32(offset), count: UInt32(count))
        }
    }
}
