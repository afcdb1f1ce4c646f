import CmarkBridge
import Foundation

/// Resolves links between pages: `.md` targets become relative `.html` links; missing pages and
/// anchors are diagnostics at the link's position.
struct LinkResolver: Sendable {
    /// Anchors per page source path.
    let anchors: [String: AnchorSet]
    /// Non-Markdown files in the content folder (copied to the site), by path.
    let assets: Set<String>
    /// Set when pages' anchors are not known yet (the streaming build transforms one page at a time, in one
    /// walk of its tree): every page's path. A link to a heading, on any page, is then `.unverifiedAnchor`,
    /// checked once every page is transformed.
    let pages: Set<String>?

    init(anchors: [String: AnchorSet], assets: Set<String>) {
        self.anchors = anchors
        self.assets = assets
        self.pages = nil
    }

    /// Knows which pages exist but not their anchors yet.
    init(pages: Set<String>, assets: Set<String>) {
        self.anchors = [:]
        self.assets = assets
        self.pages = pages
    }

    enum Resolution: Equatable {
        case external
        case rewritten(String)
        case missingPage(String)
        case missingAnchor(page: String, anchor: String)
        /// Rewritten, but whether `page` has the heading `anchor` is checked once every page is transformed.
        case unverifiedAnchor(String, page: String, anchor: String)
    }

    /// Whether the destination has a URL scheme (`https:`, `mailto:` …) or is protocol-relative (`//host`).
    /// On UTF-8 bytes: this runs for every link of every page.
    static func isExternal(_ destination: String) -> Bool {
        let bytes = destination.utf8
        if bytes.starts(with: "//".utf8) { return true }
        guard let first = bytes.first, (first | 0x20) >= UInt8(ascii: "a"), (first | 0x20) <= UInt8(ascii: "z") else { return false }
        for byte in bytes.dropFirst() {
            if byte == UInt8(ascii: ":") { return true }
            let letter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
            let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            if !(letter || digit || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")) { return false }
        }
        return false
    }

    /// `from` is the linking page's source path; `destination` the link as written.
    func resolve(_ destination: String, from page: String) -> Resolution {
        if destination.isEmpty || Self.isExternal(destination) { return .external }
        let (pathPart, fragment) = Self.splitFragment(destination)
        let decodedFragment = fragment.map { Self.percentDecoded($0) }
        if pathPart.isEmpty {
            if let anchor = decodedFragment, !anchor.isEmpty {
                if pages != nil { return .unverifiedAnchor(destination, page: page, anchor: anchor) }
                if !(anchors[page]?.contains(anchor) ?? false) { return .missingAnchor(page: page, anchor: anchor) }
            }
            return .external
        }
        let decodedPath = Self.percentDecoded(pathPart)
        let target = Self.normalize(decodedPath, relativeTo: page)
        if target.hasSuffix(".md") {
            let url = { Self.relativePath(from: page, to: target.dropLast(3) + ".html", fragment: fragment) }
            if let pages {
                guard pages.contains(target) else { return .missingPage(target) }
                if let anchor = decodedFragment, !anchor.isEmpty { return .unverifiedAnchor(url(), page: target, anchor: anchor) }
                return .rewritten(url())
            }
            guard let pageAnchors = anchors[target] else { return .missingPage(target) }
            if let anchor = decodedFragment, !anchor.isEmpty, !pageAnchors.contains(anchor) {
                return .missingAnchor(page: target, anchor: anchor)
            }
            return .rewritten(url())
        }
        guard assets.contains(target) else { return .missingPage(target) }
        return .external
    }

    static func splitFragment(_ s: String) -> (String, String?) {
        guard let hash = s.utf8.firstIndex(of: UInt8(ascii: "#")) else { return (s, nil) }
        return (String(s[..<hash]), String(s[s.utf8.index(after: hash)...]))
    }

    /// `text` with its `%XX` escapes decoded (as written when it has none, or when they are not valid UTF-8).
    /// The test is on bytes: `String.contains(_: String)` goes through Foundation, for every link of every page.
    static func percentDecoded(_ text: String) -> String {
        text.utf8.contains(UInt8(ascii: "%")) ? text.removingPercentEncoding ?? text : text
    }

    /// Resolves `../a/b.md` against the folder of `page`; the result has no `.` or `..` parts. Paths are cut
    /// at every `/` byte, as the file system cuts them.
    static func normalize(_ path: String, relativeTo page: String) -> String {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        // The result is built in one buffer; `starts` remembers where each part's `/` (or the start) is, so
        // that `..` drops a part by cutting the buffer there.
        var out: [UInt8] = []
        out.reserveCapacity(page.utf8.count + path.utf8.count)
        var starts: [Int] = []
        func add(_ part: UnsafeBufferPointer<UInt8>) {
            starts.append(out.count)
            if !out.isEmpty { out.append(slash) }
            out.append(contentsOf: part)
        }
        var page = page, path = path
        if path.utf8.first != slash {
            // The page's folder: every non-empty part but the last.
            page.withUTF8 { bytes in
                guard let lastSlash = bytes.lastIndex(of: slash) else { return }
                Self.forEachPart(UnsafeBufferPointer(rebasing: bytes[..<lastSlash])) { add($0) }
            }
        }
        path.withUTF8 { bytes in
            Self.forEachPart(bytes) { part in
                if part.count == 1 && part[0] == dot { return }
                if part.count == 2 && part[0] == dot && part[1] == dot {
                    if let start = starts.popLast() { out.removeSubrange(start...) }
                    return
                }
                add(part)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Calls `body` with each non-empty part of `bytes` between `/` bytes.
    private static func forEachPart(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: "/") {
            if index > start { body(UnsafeBufferPointer(rebasing: bytes[start..<index])) }
            start = index + 1
        }
    }

    /// A relative URL from the page at `from` to the site file `to` (both relative to the site root), with
    /// `#fragment` when there is one; made in one string (it runs for every link of every page).
    static func relativePath(from: String, to: String, fragment: String? = nil) -> String {
        let depth = folderDepth(from)
        var url = ""
        url.reserveCapacity(3 * depth + to.utf8.count + (fragment.map { $0.utf8.count + 1 } ?? 0))
        for _ in 0..<depth { url += "../" }
        url += to
        if let fragment {
            url += "#"
            url += fragment
        }
        return url
    }

    /// The folder of the site-relative path `path`: up to its last `/` byte, or "" at the top.
    static func folder(of path: String) -> Substring {
        path.utf8.lastIndex(of: UInt8(ascii: "/")).map { path[..<$0] } ?? ""
    }

    /// How many folders deep the site-relative path `path` is: its non-empty parts, less one.
    static func folderDepth(_ path: String) -> Int {
        var parts = 0, inPart = false
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/") {
                inPart = false
            } else if !inPart {
                inPart = true
                parts += 1
            }
        }
        return max(parts - 1, 0)
    }
}
