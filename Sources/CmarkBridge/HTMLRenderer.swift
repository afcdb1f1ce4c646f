/// Renders a `MarkdownTree` to HTML exactly as libcmark's HTML renderer does (same escaping, same
/// line breaks, same tight-list handling), plus heading `id`s and generated blocks.
///
/// In safe mode (the default) raw HTML becomes `<!-- raw HTML omitted -->` and `javascript:`, `vbscript:`,
/// `file:` and non-image `data:` URLs become empty, as with `cmark` without `--unsafe`.
public struct HTMLRenderer: Sendable {
    public var allowRawHTML: Bool

    public init(allowRawHTML: Bool = false) {
        self.allowRawHTML = allowRawHTML
    }

    public func render(_ tree: MarkdownTree) -> String {
        String(decoding: renderUTF8(tree), as: UTF8.self)
    }

    /// The HTML as UTF-8 bytes, for output that need not become a `String` (making one checks every byte).
    public func renderUTF8(_ tree: MarkdownTree) -> [UInt8] {
        var out: [UInt8] = []
        // About the size of the HTML: the text (mostly literals) and a few bytes of markup per node.
        out.reserveCapacity(tree.text.utf8.count + tree.nodes.count * 8 + 64)
        Walk.with(tree, allowRawHTML: allowRawHTML) { $0.renderBlock(MarkdownTree.root, tightParent: false, into: &out) }
        return out
    }

    /// Renders a node's inline children only (e.g. a heading's text for a table of contents).
    public func renderInlines(of index: Int, in tree: MarkdownTree) -> String {
        var out: [UInt8] = []
        Walk.with(tree, allowRawHTML: allowRawHTML) { walk in walk.children(of: index) { walk.renderInline($0, into: &out) } }
        return String(decoding: out, as: UTF8.self)
    }

    private static let rawHTMLOmitted = Array("<!-- raw HTML omitted -->".utf8)

    /// One render's view of the tree: its nodes and its text's bytes by pointer, valid during `with`.
    private struct Walk {
        let nodes: UnsafeBufferPointer<MarkdownTree.Node>
        let text: UnsafeBufferPointer<UInt8>
        let allowRawHTML: Bool

        static func with(_ tree: MarkdownTree, allowRawHTML: Bool, _ body: (Walk) -> Void) {
            var text = tree.text
            text.withUTF8 { bytes in
                tree.nodes.withUnsafeBufferPointer { nodes in body(Walk(nodes: nodes, text: bytes, allowRawHTML: allowRawHTML)) }
            }
        }

        func bytes(_ range: MarkdownTree.TextRange) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: text[Int(range.offset)..<Int(range.offset + range.count)])
        }

        @inline(__always)
        func children(of index: Int, _ body: (Int) -> Void) {
            var child = nodes[index].firstChild
            while child >= 0 {
                body(Int(child))
                child = nodes[Int(child)].nextSibling
            }
        }

        private func newline(_ out: inout [UInt8]) {
            if let last = out.last, last != UInt8(ascii: "\n") { out.append(UInt8(ascii: "\n")) }
        }

        func renderBlock(_ index: Int, tightParent: Bool, into out: inout [UInt8]) {
            let node = nodes[index]
            switch node.kind {
            case .document:
                children(of: index) { renderBlock($0, tightParent: false, into: &out) }
            case .blockQuote:
                newline(&out)
                out.append(contentsOf: "<blockquote>\n".utf8)
                children(of: index) { renderBlock($0, tightParent: false, into: &out) }
                newline(&out)
                out.append(contentsOf: "</blockquote>\n".utf8)
            case .list:
                newline(&out)
                if !node.isOrdered {
                    out.append(contentsOf: "<ul>\n".utf8)
                } else if node.listStart == 1 {
                    out.append(contentsOf: "<ol>\n".utf8)
                } else {
                    out.append(contentsOf: "<ol start=\"\(node.listStart)\">\n".utf8)
                }
                children(of: index) { renderBlock($0, tightParent: node.isTight, into: &out) }
                newline(&out)
                out.append(contentsOf: (node.isOrdered ? "</ol>\n" : "</ul>\n").utf8)
            case .item:
                newline(&out)
                out.append(contentsOf: "<li>".utf8)
                children(of: index) { renderBlock($0, tightParent: tightParent, into: &out) }
                out.append(contentsOf: "</li>\n".utf8)
            case .heading:
                newline(&out)
                out.append(contentsOf: "<h\(node.level)".utf8)
                if node.hasAnchor {
                    out.append(contentsOf: " id=\"".utf8)
                    HTMLEscaping.escapeHTML(bytes(node.second), into: &out)
                    out.append(UInt8(ascii: "\""))
                }
                out.append(UInt8(ascii: ">"))
                children(of: index) { renderInline($0, into: &out) }
                out.append(contentsOf: "</h\(node.level)>\n".utf8)
            case .codeBlock:
                newline(&out)
                let language = bytes(node.second).prefix { !HTMLEscaping.isSpace($0) }
                if language.isEmpty {
                    out.append(contentsOf: "<pre><code>".utf8)
                } else {
                    out.append(contentsOf: "<pre><code class=\"language-".utf8)
                    HTMLEscaping.escapeHTML(UnsafeBufferPointer(rebasing: language), into: &out)
                    out.append(contentsOf: "\">".utf8)
                }
                HTMLEscaping.escapeHTML(bytes(node.first), into: &out)
                out.append(contentsOf: "</code></pre>\n".utf8)
            case .htmlBlock:
                newline(&out)
                if allowRawHTML { out.append(contentsOf: bytes(node.first)) } else { out += HTMLRenderer.rawHTMLOmitted }
                newline(&out)
            case .generatedHTML:
                newline(&out)
                out.append(contentsOf: bytes(node.first))
                newline(&out)
            case .thematicBreak:
                newline(&out)
                out.append(contentsOf: "<hr />\n".utf8)
            case .paragraph:
                if tightParent {
                    children(of: index) { renderInline($0, into: &out) }
                } else {
                    newline(&out)
                    out.append(contentsOf: "<p>".utf8)
                    children(of: index) { renderInline($0, into: &out) }
                    out.append(contentsOf: "</p>\n".utf8)
                }
            default:
                renderInline(index, into: &out)
            }
        }

        func renderInline(_ index: Int, into out: inout [UInt8]) {
            let node = nodes[index]
            switch node.kind {
            case .text:
                HTMLEscaping.escapeHTML(bytes(node.first), into: &out)
            case .softBreak:
                out.append(UInt8(ascii: "\n"))
            case .lineBreak:
                out.append(contentsOf: "<br />\n".utf8)
            case .code:
                out.append(contentsOf: "<code>".utf8)
                HTMLEscaping.escapeHTML(bytes(node.first), into: &out)
                out.append(contentsOf: "</code>".utf8)
            case .htmlInline:
                if allowRawHTML { out.append(contentsOf: bytes(node.first)) } else { out += HTMLRenderer.rawHTMLOmitted }
            case .emphasis:
                out.append(contentsOf: "<em>".utf8)
                children(of: index) { renderInline($0, into: &out) }
                out.append(contentsOf: "</em>".utf8)
            case .strong:
                out.append(contentsOf: "<strong>".utf8)
                children(of: index) { renderInline($0, into: &out) }
                out.append(contentsOf: "</strong>".utf8)
            case .link:
                out.append(contentsOf: "<a href=\"".utf8)
                if allowRawHTML || !HTMLEscaping.isDangerousURL(bytes(node.first)) {
                    HTMLEscaping.escapeHref(bytes(node.first), into: &out)
                }
                out.append(UInt8(ascii: "\""))
                if node.second.count > 0 {
                    out.append(contentsOf: " title=\"".utf8)
                    HTMLEscaping.escapeHTML(bytes(node.second), into: &out)
                    out.append(UInt8(ascii: "\""))
                }
                out.append(UInt8(ascii: ">"))
                children(of: index) { renderInline($0, into: &out) }
                out.append(contentsOf: "</a>".utf8)
            case .image:
                out.append(contentsOf: "<img src=\"".utf8)
                if allowRawHTML || !HTMLEscaping.isDangerousURL(bytes(node.first)) {
                    HTMLEscaping.escapeHref(bytes(node.first), into: &out)
                }
                out.append(contentsOf: "\" alt=\"".utf8)
                children(of: index) { renderPlain($0, into: &out) }
                if node.second.count > 0 {
                    out.append(contentsOf: "\" title=\"".utf8)
                    HTMLEscaping.escapeHTML(bytes(node.second), into: &out)
                }
                out.append(contentsOf: "\" />".utf8)
            case .generatedHTML:
                out.append(contentsOf: bytes(node.first))
            default:
                children(of: index) { renderBlock($0, tightParent: false, into: &out) }
            }
        }

        /// Image alt text: the literal text of the descendants, as cmark's "plain" mode writes it.
        func renderPlain(_ index: Int, into out: inout [UInt8]) {
            let node = nodes[index]
            switch node.kind {
            case .text, .code, .htmlInline:
                HTMLEscaping.escapeHTML(bytes(node.first), into: &out)
            case .softBreak, .lineBreak:
                out.append(UInt8(ascii: " "))
            default:
                children(of: index) { renderPlain($0, into: &out) }
            }
        }
    }
}

/// The escaping rules of cmark's houdini functions, on UTF-8 bytes.
public enum HTMLEscaping {
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    /// Escapes `&`, `<`, `>` and `"` (cmark's non-secure HTML escaping), copying the runs between them in bulk.
    public static func escapeHTML(_ string: String, into out: inout [UInt8]) {
        var string = string
        string.withUTF8 { escapeHTML($0, into: &out) }
    }

    /// The same for UTF-8 bytes held elsewhere (a tree's text).
    public static func escapeHTML(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var start = 0
        for index in 0..<bytes.count {
            let entity: StaticString
            switch bytes[index] {
            case UInt8(ascii: "&"): entity = "&amp;"
            case UInt8(ascii: "<"): entity = "&lt;"
            case UInt8(ascii: ">"): entity = "&gt;"
            case UInt8(ascii: "\""): entity = "&quot;"
            default: continue
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
            out.append(contentsOf: UnsafeBufferPointer(start: entity.utf8Start, count: entity.utf8CodeUnitCount))
            start = index + 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
    }

    /// Escapes a string for use as HTML text or a quoted attribute value.
    public static func escapeHTML(_ string: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(string.utf8.count)
        escapeHTML(string, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static let hrefSafe: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in Array("-_.+!*(),%#@?=;:/$".utf8) { table[Int(byte)] = true }
        for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(byte)] = true }
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(byte)] = true }
        for byte in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(byte)] = true }
        return table
    }()

    /// Percent-encodes a URL as cmark's `houdini_escape_href` does; `&` and `'` become entities.
    public static func escapeHref(_ url: String, into out: inout [UInt8]) {
        var url = url
        url.withUTF8 { escapeHref($0, into: &out) }
    }

    /// The same for UTF-8 bytes held elsewhere.
    public static func escapeHref(_ url: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        let hex: StaticString = "0123456789ABCDEF"
        for byte in url {
            if hrefSafe[Int(byte)] {
                out.append(byte)
            } else if byte == UInt8(ascii: "&") {
                out.append(contentsOf: "&amp;".utf8)
            } else if byte == UInt8(ascii: "'") {
                out.append(contentsOf: "&#x27;".utf8)
            } else {
                out += [UInt8(ascii: "%"), hex.utf8Start[Int(byte >> 4)], hex.utf8Start[Int(byte & 0xF)]]
            }
        }
    }

    public static func escapeHref(_ url: String) -> String {
        var out: [UInt8] = []
        escapeHref(url, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// cmark's `_scan_dangerous_url`: script-capable schemes, and `data:` other than common images
    /// (prefixes compared without regard to ASCII case, as cmark's scanner does).
    public static func isDangerousURL(_ url: String) -> Bool {
        var url = url
        return url.withUTF8 { isDangerousURL($0) }
    }

    /// The same for UTF-8 bytes held elsewhere.
    public static func isDangerousURL(_ url: UnsafeBufferPointer<UInt8>) -> Bool {
        func hasPrefix(_ prefix: StaticString) -> Bool {
            guard url.count >= prefix.utf8CodeUnitCount else { return false }
            for i in 0..<prefix.utf8CodeUnitCount {
                let byte = url[i]
                let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
                if lower != prefix.utf8Start[i] { return false }
            }
            return true
        }
        if hasPrefix("javascript:") || hasPrefix("vbscript:") || hasPrefix("file:") { return true }
        if hasPrefix("data:") {
            return !(hasPrefix("data:image/png") || hasPrefix("data:image/gif") || hasPrefix("data:image/jpeg") || hasPrefix("data:image/webp"))
        }
        return false
    }
}
