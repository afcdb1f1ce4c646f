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

/// A parsed CommonMark document as plain Swift values with no ties to C memory, laid out flat: every node
/// in one array in document order (a node before its children, children before the next sibling), linked
/// by index, and every string the nodes hold (literals, URLs, titles, anchors) in one text, by byte range.
///
/// A node is a plain value with no references of its own, so walking, copying and freeing a tree is
/// index arithmetic: a tree of `struct`s with a `String` per text node and an array per parent retained
/// and released something at nearly every step of every walk, and was allocated and freed node by node.
public struct MarkdownTree: Sendable, Equatable {
    public enum Kind: UInt8, Sendable, Equatable {
        case document
        case blockQuote
        case list
        case item
        case codeBlock
        case htmlBlock
        case paragraph
        case heading
        case thematicBreak
        case text
        case softBreak
        case lineBreak
        case code
        case htmlInline
        case emphasis
        case strong
        case link
        case image
        /// A fenced block replaced by generated HTML (a checklist or quiz); always emitted as is.
        case generatedHTML
    }

    /// Where a string is in `text`: UTF-8 byte offset and length (always on scalar boundaries).
    public struct TextRange: Sendable, Equatable {
        public var offset: UInt32
        public var count: UInt32

        public static let empty = TextRange(offset: 0, count: 0)
    }

    public struct Node: Sendable, Equatable {
        public var kind: Kind
        /// A heading's level (1–6).
        public var level: UInt8 = 0
        /// A list's type, tightness and first number.
        public var isOrdered = false
        public var isTight = false
        public var listStart: Int32 = 0
        /// Whether a heading has an `id` (`second` then holds it).
        public var hasAnchor = false
        /// The first child and the next sibling, or -1.
        public var firstChild: Int32 = -1
        public var nextSibling: Int32 = -1
        /// Where the node starts; inline nodes carry the position cmark reports, or their block's start.
        public var start: SourcePosition
        public var end: SourcePosition
        /// The literal of a text, code, HTML or code block node, a link's destination, an image's source,
        /// or a generated block's HTML.
        public var first: TextRange = .empty
        /// A code block's info string, a link's or image's title, or a heading's anchor.
        public var second: TextRange = .empty

        public init(kind: Kind, start: SourcePosition, end: SourcePosition) {
            self.kind = kind
            self.start = start
            self.end = end
        }
    }

    /// The nodes in document order; the document itself is node 0.
    public private(set) var nodes: [Node]
    /// Every string of every node, by `TextRange`.
    public private(set) var text: String

    public init(nodes: [Node], text: String) {
        precondition(!nodes.isEmpty && nodes[0].kind == .document, "a tree starts with its document node")
        self.nodes = nodes
        self.text = text
    }

    /// The document node's index.
    public static let root = 0

    public subscript(index: Int) -> Node {
        get { nodes[index] }
        set { nodes[index] = newValue }
    }

    /// A string of the tree's.
    public func string(_ range: TextRange) -> String {
        String(substring(range))
    }

    /// The same without a copy.
    public func substring(_ range: TextRange) -> Substring {
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: Int(range.offset))
        return text[start..<utf8.index(start, offsetBy: Int(range.count))]
    }

    /// Adds a string to the tree's text and returns where it is (for a node to refer to).
    public mutating func store(_ string: String) -> TextRange {
        let offset = text.utf8.count
        text += string
        return TextRange(offset: UInt32(offset), count: UInt32(text.utf8.count - offset))
    }

    /// A node's children's indices, in order.
    public func children(of index: Int) -> Children {
        Children(nodes: nodes, first: nodes[index].firstChild)
    }

    public struct Children: Sequence {
        let nodes: [Node]
        let first: Int32

        public struct Iterator: IteratorProtocol {
            let nodes: [Node]
            var following: Int32

            public mutating func next() -> Int? {
                guard following >= 0 else { return nil }
                let current = Int(following)
                following = nodes[current].nextSibling
                return current
            }
        }

        public func makeIterator() -> Iterator { Iterator(nodes: nodes, following: first) }
    }

    /// Calls `body` with each of a node's children in turn and the tree, to change: a walk that rewrites
    /// nodes as it goes (`children(of:)`'s sequence would hold the node array, and every change would copy it).
    /// The next child is looked up after `body` returns, so `body` may change the child and its descendants.
    public mutating func forEachChild(of index: Int, _ body: (_ child: Int, _ tree: inout MarkdownTree) -> Void) {
        var child = Int(nodes[index].firstChild)
        while child >= 0 {
            body(child, &self)
            child = Int(nodes[child].nextSibling)
        }
    }

    /// A node's last child, if it has children.
    public func lastChild(of index: Int) -> Int? {
        var child = nodes[index].firstChild
        guard child >= 0 else { return nil }
        while nodes[Int(child)].nextSibling >= 0 { child = nodes[Int(child)].nextSibling }
        return Int(child)
    }

    /// Takes a node's last child out of the tree (its node stays in `nodes`, reached from nowhere).
    public mutating func removeLastChild(of index: Int) {
        var previous: Int32 = -1
        var child = nodes[index].firstChild
        guard child >= 0 else { return }
        while nodes[Int(child)].nextSibling >= 0 {
            previous = child
            child = nodes[Int(child)].nextSibling
        }
        if previous < 0 { nodes[index].firstChild = -1 } else { nodes[Int(previous)].nextSibling = -1 }
    }

    /// A heading's anchor.
    public func anchor(of index: Int) -> String? {
        nodes[index].hasAnchor ? string(nodes[index].second) : nil
    }

    /// Gives a heading an anchor.
    public mutating func setAnchor(_ anchor: String, of index: Int) {
        let range = store(anchor)
        nodes[index].second = range
        nodes[index].hasAnchor = true
    }

    /// The concatenated literal text of a node's inline descendants (for heading text, alt text, search).
    public func plainText(of index: Int) -> String {
        var result = ""
        appendPlainText(of: index, to: &result)
        return result
    }

    /// Appends what `plainText(of:)` returns, without making a string of its own.
    public func appendPlainText(of index: Int, to result: inout String) {
        // Literals that follow each other in `text` (the text nodes of a run of inline markup, say) are
        // appended as one slice: a slice per node cost more than the copying.
        var run = TextRange.empty
        nodes.withUnsafeBufferPointer { nodes in appendPlainText(of: index, nodes, run: &run, to: &result) }
        if run.count > 0 { result += substring(run) }
    }

    private func appendPlainText(of index: Int, _ nodes: UnsafeBufferPointer<Node>, run: inout TextRange, to result: inout String) {
        let node = nodes[index]
        switch node.kind {
        case .text, .code:
            let literal = node.first
            if literal.count == 0 { return }
            if run.count > 0 && run.offset + run.count == literal.offset {
                run.count += literal.count
            } else {
                if run.count > 0 { result += substring(run) }
                run = literal
            }
        case .softBreak, .lineBreak:
            if run.count > 0 { result += substring(run) }
            run = .empty
            result += " "
        default:
            var child = node.firstChild
            while child >= 0 {
                appendPlainText(of: Int(child), nodes, run: &run, to: &result)
                child = nodes[Int(child)].nextSibling
            }
        }
    }
}
