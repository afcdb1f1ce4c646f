import CCmark

/// Parses CommonMark with libcmark and converts the whole tree into `MarkdownNode` values.
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
    public static func parseChecked(_ markdown: String) -> Result<MarkdownNode, NestingTooDeep> {
        var tooDeep: SourcePosition?
        let tree = parse(markdown, tooDeep: &tooDeep)
        if let tooDeep { return .failure(NestingTooDeep(position: tooDeep)) }
        return .success(tree)
    }

    /// Parses and converts the whole tree (no depth limit beyond the stack; for trusted input and tests).
    public static func parse(_ markdown: String) -> MarkdownNode {
        var ignored: SourcePosition?
        return parse(markdown, tooDeep: &ignored, limit: Int.max)
    }

    private static func parse(_ markdown: String, tooDeep: inout SourcePosition?, limit: Int = maximumDepth) -> MarkdownNode {
        var source = markdown
        return source.withUTF8 { bytes -> MarkdownNode in
            let options = CMARK_OPT_DEFAULT
            guard let root = bytes.withMemoryRebound(to: CChar.self, { chars in
                cmark_parse_document(chars.baseAddress, chars.count, options)
            }) else {
                return MarkdownNode(kind: .document, start: SourcePosition(line: 1, column: 1), end: SourcePosition(line: 1, column: 1))
            }
            defer { cmark_node_free(root) }
            var deepest: SourcePosition?
            let tree = convert(root, inherited: SourcePosition(line: 1, column: 1), depth: 0, limit: limit, tooDeep: &deepest)
            tooDeep = deepest
            return tree
        }
    }

    /// The version of the linked libcmark, e.g. "0.30.2".
    public static var libraryVersion: String {
        String(cString: cmark_version_string())
    }

    private static func convert(_ node: OpaquePointer, inherited: SourcePosition, depth: Int, limit: Int,
                                tooDeep: inout SourcePosition?) -> MarkdownNode {
        var start = SourcePosition(line: Int(cmark_node_get_start_line(node)), column: Int(cmark_node_get_start_column(node)))
        var end = SourcePosition(line: Int(cmark_node_get_end_line(node)), column: Int(cmark_node_get_end_column(node)))
        if start.line == 0 { start = inherited }
        if end.line == 0 { end = start }

        var children: [MarkdownNode] = []
        if depth >= limit {
            if tooDeep == nil { tooDeep = start }
        } else {
            var count = 0
            var sibling = cmark_node_first_child(node)
            while let current = sibling {
                count += 1
                sibling = cmark_node_next(current)
            }
            children.reserveCapacity(count)  // one allocation instead of growing by doubling
            var child = cmark_node_first_child(node)
            while let current = child {
                children.append(convert(current, inherited: start, depth: depth + 1, limit: limit, tooDeep: &tooDeep))
                child = cmark_node_next(current)
            }
        }
        return MarkdownNode(kind: kind(of: node), children: children, start: start, end: end)
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }

    private static func kind(of node: OpaquePointer) -> MarkdownNode.Kind {
        switch cmark_node_get_type(node) {
        case CMARK_NODE_DOCUMENT: return .document
        case CMARK_NODE_BLOCK_QUOTE: return .blockQuote
        case CMARK_NODE_LIST:
            return .list(ListAttributes(
                isOrdered: cmark_node_get_list_type(node) == CMARK_ORDERED_LIST,
                start: Int(cmark_node_get_list_start(node)),
                isTight: cmark_node_get_list_tight(node) != 0))
        case CMARK_NODE_ITEM: return .item
        case CMARK_NODE_CODE_BLOCK:
            return .codeBlock(info: string(cmark_node_get_fence_info(node)), literal: string(cmark_node_get_literal(node)))
        case CMARK_NODE_HTML_BLOCK: return .htmlBlock(string(cmark_node_get_literal(node)))
        case CMARK_NODE_PARAGRAPH: return .paragraph
        case CMARK_NODE_HEADING: return .heading(level: Int(cmark_node_get_heading_level(node)))
        case CMARK_NODE_THEMATIC_BREAK: return .thematicBreak
        case CMARK_NODE_TEXT: return .text(string(cmark_node_get_literal(node)))
        case CMARK_NODE_SOFTBREAK: return .softBreak
        case CMARK_NODE_LINEBREAK: return .lineBreak
        case CMARK_NODE_CODE: return .code(string(cmark_node_get_literal(node)))
        case CMARK_NODE_HTML_INLINE: return .htmlInline(string(cmark_node_get_literal(node)))
        case CMARK_NODE_EMPH: return .emphasis
        case CMARK_NODE_STRONG: return .strong
        case CMARK_NODE_LINK:
            return .link(destination: string(cmark_node_get_url(node)), title: string(cmark_node_get_title(node)))
        case CMARK_NODE_IMAGE:
            return .image(source: string(cmark_node_get_url(node)), title: string(cmark_node_get_title(node)))
        default:
            // Custom blocks and inlines are never produced by the parser.
            return .generatedHTML("")
        }
    }
}
