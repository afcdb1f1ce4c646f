/// Renders a `MarkdownNode` tree to HTML exactly as libcmark's HTML renderer does (same escaping, same
/// line breaks, same tight-list handling), plus heading `id`s and generated blocks.
///
/// In safe mode (the default) raw HTML becomes `<!-- raw HTML omitted -->` and `javascript:`, `vbscript:`,
/// `file:` and non-image `data:` URLs become empty, as with `cmark` without `--unsafe`.
public struct HTMLRenderer: Sendable {
    public var allowRawHTML: Bool

    public init(allowRawHTML: Bool = false) {
        self.allowRawHTML = allowRawHTML
    }

    public func render(_ node: MarkdownNode) -> String {
        String(decoding: renderUTF8(node), as: UTF8.self)
    }

    /// The HTML as UTF-8 bytes, for output that need not become a `String` (making one checks every byte).
    public func renderUTF8(_ node: MarkdownNode) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        withUnsafePointer(to: node) { renderBlock($0, tightParent: false, into: &out) }
        return out
    }

    /// Renders inline children only (e.g. a heading's text for a table of contents).
    public func renderInlines(of node: MarkdownNode) -> String {
        var out: [UInt8] = []
        node.children.forEachNode { renderInline($0, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    private static let rawHTMLOmitted = Array("<!-- raw HTML omitted -->".utf8)

    private func newline(_ out: inout [UInt8]) {
        if let last = out.last, last != UInt8(ascii: "\n") { out.append(UInt8(ascii: "\n")) }
    }

    private func renderBlock(_ node: UnsafePointer<MarkdownNode>, tightParent: Bool, into out: inout [UInt8]) {
        switch node.pointee.kind {
        case .document:
            node.pointee.children.forEachNode { renderBlock($0, tightParent: false, into: &out) }
        case .blockQuote:
            newline(&out)
            out.append(contentsOf: "<blockquote>\n".utf8)
            node.pointee.children.forEachNode { renderBlock($0, tightParent: false, into: &out) }
            newline(&out)
            out.append(contentsOf: "</blockquote>\n".utf8)
        case .list(let list):
            newline(&out)
            if !list.isOrdered {
                out.append(contentsOf: "<ul>\n".utf8)
            } else if list.start == 1 {
                out.append(contentsOf: "<ol>\n".utf8)
            } else {
                out.append(contentsOf: "<ol start=\"\(list.start)\">\n".utf8)
            }
            node.pointee.children.forEachNode { renderBlock($0, tightParent: list.isTight, into: &out) }
            newline(&out)
            out.append(contentsOf: (list.isOrdered ? "</ol>\n" : "</ul>\n").utf8)
        case .item:
            newline(&out)
            out.append(contentsOf: "<li>".utf8)
            node.pointee.children.forEachNode { renderBlock($0, tightParent: tightParent, into: &out) }
            out.append(contentsOf: "</li>\n".utf8)
        case .heading(let level):
            newline(&out)
            out.append(contentsOf: "<h\(level)".utf8)
            if let anchor = node.pointee.anchor {
                out.append(contentsOf: " id=\"".utf8)
                HTMLEscaping.escapeHTML(anchor, into: &out)
                out.append(UInt8(ascii: "\""))
            }
            out.append(UInt8(ascii: ">"))
            node.pointee.children.forEachNode { renderInline($0, into: &out) }
            out.append(contentsOf: "</h\(level)>\n".utf8)
        case .codeBlock(let info, let literal):
            newline(&out)
            let language = info.utf8.prefix { !HTMLEscaping.isSpace($0) }
            if language.isEmpty {
                out.append(contentsOf: "<pre><code>".utf8)
            } else {
                out.append(contentsOf: "<pre><code class=\"language-".utf8)
                HTMLEscaping.escapeHTML(language, into: &out)
                out.append(contentsOf: "\">".utf8)
            }
            HTMLEscaping.escapeHTML(literal, into: &out)
            out.append(contentsOf: "</code></pre>\n".utf8)
        case .htmlBlock(let literal):
            newline(&out)
            if allowRawHTML { out.append(contentsOf: literal.utf8) } else { out += Self.rawHTMLOmitted }
            newline(&out)
        case .generatedHTML(let html):
            newline(&out)
            out.append(contentsOf: html.utf8)
            newline(&out)
        case .thematicBreak:
            newline(&out)
            out.append(contentsOf: "<hr />\n".utf8)
        case .paragraph:
            if tightParent {
                node.pointee.children.forEachNode { renderInline($0, into: &out) }
            } else {
                newline(&out)
                out.append(contentsOf: "<p>".utf8)
                node.pointee.children.forEachNode { renderInline($0, into: &out) }
                out.append(contentsOf: "</p>\n".utf8)
            }
        default:
            renderInline(node, into: &out)
        }
    }

    private func renderInline(_ node: UnsafePointer<MarkdownNode>, into out: inout [UInt8]) {
        switch node.pointee.kind {
        case .text(let literal):
            HTMLEscaping.escapeHTML(literal, into: &out)
        case .softBreak:
            out.append(UInt8(ascii: "\n"))
        case .lineBreak:
            out.append(contentsOf: "<br />\n".utf8)
        case .code(let literal):
            out.append(contentsOf: "<code>".utf8)
            HTMLEscaping.escapeHTML(literal, into: &out)
            out.append(contentsOf: "</code>".utf8)
        case .htmlInline(let literal):
            if allowRawHTML { out.append(contentsOf: literal.utf8) } else { out += Self.rawHTMLOmitted }
        case .emphasis:
            out.append(contentsOf: "<em>".utf8)
            node.pointee.children.forEachNode { renderInline($0, into: &out) }
            out.append(contentsOf: "</em>".utf8)
        case .strong:
            out.append(contentsOf: "<strong>".utf8)
            node.pointee.children.forEachNode { renderInline($0, into: &out) }
            out.append(contentsOf: "</strong>".utf8)
        case .link(let destination, let title):
            out.append(contentsOf: "<a href=\"".utf8)
            if allowRawHTML || !HTMLEscaping.isDangerousURL(destination) {
                HTMLEscaping.escapeHref(destination, into: &out)
            }
            out.append(UInt8(ascii: "\""))
            if !title.isEmpty {
                out.append(contentsOf: " title=\"".utf8)
                HTMLEscaping.escapeHTML(title, into: &out)
                out.append(UInt8(ascii: "\""))
            }
            out.append(UInt8(ascii: ">"))
            node.pointee.children.forEachNode { renderInline($0, into: &out) }
            out.append(contentsOf: "</a>".utf8)
        case .image(let source, let title):
            out.append(contentsOf: "<img src=\"".utf8)
            if allowRawHTML || !HTMLEscaping.isDangerousURL(source) {
                HTMLEscaping.escapeHref(source, into: &out)
            }
            out.append(contentsOf: "\" alt=\"".utf8)
            node.pointee.children.forEachNode { renderPlain($0, into: &out) }
            if !title.isEmpty {
                out.append(contentsOf: "\" title=\"".utf8)
                HTMLEscaping.escapeHTML(title, into: &out)
            }
            out.append(contentsOf: "\" />".utf8)
        case .generatedHTML(let html):
            out.append(contentsOf: html.utf8)
        default:
            node.pointee.children.forEachNode { renderBlock($0, tightParent: false, into: &out) }
        }
    }

    /// Image alt text: the literal text of the descendants, as cmark's "plain" mode writes it.
    private func renderPlain(_ node: UnsafePointer<MarkdownNode>, into out: inout [UInt8]) {
        switch node.pointee.kind {
        case .text(let literal), .code(let literal), .htmlInline(let literal):
            HTMLEscaping.escapeHTML(literal, into: &out)
        case .softBreak, .lineBreak:
            out.append(UInt8(ascii: " "))
        default:
            node.pointee.children.forEachNode { renderPlain($0, into: &out) }
        }
    }
}

/// The escaping rules of cmark's houdini functions, on UTF-8 bytes.
public enum HTMLEscaping {
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    /// Escapes `&`, `<`, `>` and `"` (cmark's non-secure HTML escaping).
    public static func escapeHTML<S: Sequence>(_ bytes: S, into out: inout [UInt8]) where S.Element == UInt8 {
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "&"): out += [0x26, 0x61, 0x6D, 0x70, 0x3B]                 // &amp;
            case UInt8(ascii: "<"): out += [0x26, 0x6C, 0x74, 0x3B]                       // &lt;
            case UInt8(ascii: ">"): out += [0x26, 0x67, 0x74, 0x3B]                       // &gt;
            case UInt8(ascii: "\""): out += [0x26, 0x71, 0x75, 0x6F, 0x74, 0x3B]          // &quot;
            default: out.append(byte)
            }
        }
    }

    /// The same for a whole string, copying the runs between special characters in bulk (the hot path:
    /// every text node of every page).
    public static func escapeHTML(_ string: String, into out: inout [UInt8]) {
        var string = string
        string.withUTF8 { bytes in
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
    }

    /// Escapes a string for use as HTML text or a quoted attribute value.
    public static func escapeHTML(_ string: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(string.utf8.count)
        escapeHTML(string.utf8, into: &out)
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
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in url.utf8 {
            if hrefSafe[Int(byte)] {
                out.append(byte)
            } else if byte == UInt8(ascii: "&") {
                out.append(contentsOf: "&amp;".utf8)
            } else if byte == UInt8(ascii: "'") {
                out.append(contentsOf: "&#x27;".utf8)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
    }

    public static func escapeHref(_ url: String) -> String {
        var out: [UInt8] = []
        escapeHref(url, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// cmark's `_scan_dangerous_url`: script-capable schemes, and `data:` other than common images.
    public static func isDangerousURL(_ url: String) -> Bool {
        let lower = url.prefix(20).lowercased()
        if lower.hasPrefix("javascript:") || lower.hasPrefix("vbscript:") || lower.hasPrefix("file:") { return true }
        if lower.hasPrefix("data:") {
            let safeImages = ["data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"]
            return !safeImages.contains { lower.hasPrefix($0) }
        }
        return false
    }
}
