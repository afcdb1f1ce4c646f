/// A position in the Markdown source: 1-based line and 1-based column (in UTF-8 bytes, as cmark counts).
public struct SourcePosition: Sendable, Equatable, Hashable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

public struct ListAttributes: Sendable, Equatable {
    public var isOrdered: Bool
    public var start: Int
    public var isTight: Bool

    public init(isOrdered: Bool, start: Int, isTight: Bool) {
        self.isOrdered = isOrdered
        self.start = start
        self.isTight = isTight
    }
}

/// One node of a parsed CommonMark document, as plain Swift values with no ties to C memory.
public struct MarkdownNode: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case document
        case blockQuote
        case list(ListAttributes)
        case item
        case codeBlock(info: String, literal: String)
        case htmlBlock(String)
        case paragraph
        case heading(level: Int)
        case thematicBreak
        case text(String)
        case softBreak
        case lineBreak
        case code(String)
        case htmlInline(String)
        case emphasis
        case strong
        case link(destination: String, title: String)
        case image(source: String, title: String)
        /// A fenced block replaced by generated HTML (a checklist or quiz); always emitted as is.
        case generatedHTML(String)
    }

    public var kind: Kind
    public var children: [MarkdownNode]
    /// Where the node starts; inline nodes carry the position cmark reports, or their block's start.
    public var start: SourcePosition
    public var end: SourcePosition
    /// The `id` attribute of a heading, assigned by the generator (cmark itself gives headings none).
    public var anchor: String?

    public init(kind: Kind, children: [MarkdownNode] = [], start: SourcePosition, end: SourcePosition, anchor: String? = nil) {
        self.kind = kind
        self.children = children
        self.start = start
        self.end = end
        self.anchor = anchor
    }

    /// The concatenated literal text of this node's inline descendants (for heading text, alt text, search).
    public var plainText: String {
        var result = ""
        appendPlainText(to: &result)
        return result
    }

    /// Appends what `plainText` returns, without making a string of its own.
    public func appendPlainText(to result: inout String) {
        withUnsafePointer(to: self) { Self.appendPlainText(of: $0, to: &result) }
    }

    /// The same for a node reached by pointer (`forEachNode`), without copying it.
    public static func appendPlainText(of node: UnsafePointer<MarkdownNode>, to result: inout String) {
        switch node.pointee.kind {
        case .text(let s), .code(let s):
            result += s
        case .softBreak, .lineBreak:
            result += " "
        default:
            node.pointee.children.forEachNode { appendPlainText(of: $0, to: &result) }
        }
    }
}

extension Array where Element == MarkdownNode {
    /// Calls `body` with a pointer to each node, for a walk that only reads the tree (valid during the call).
    /// `for node in nodes`, `nodes[i]` or a buffer's element copy every node they hand out, retaining and
    /// releasing its strings and children: on a tree walk, a good part of the walk's time.
    @inlinable
    public func forEachNode(_ body: (UnsafePointer<MarkdownNode>) throws -> Void) rethrows {
        try withUnsafeBufferPointer { nodes in
            guard let first = nodes.baseAddress else { return }
            for index in nodes.indices { try body(first + index) }
        }
    }
}
