import CmarkBridge
import Foundation

/// Resolves links between pages: `.md` targets become relative `.html` links; missing pages and
/// anchors are diagnostics at the link's position.
struct LinkResolver: Sendable {
    /// Anchors per page source path.
    let anchors: [String: Set<String>]
    /// Non-Markdown files in the content folder (copied to the site), by path.
    let assets: Set<String>

    enum Resolution: Equatable {
        case external
        case rewritten(String)
        case missingPage(String)
        case missingAnchor(page: String, anchor: String)
    }

    static func isExternal(_ destination: String) -> Bool {
        if destination.hasPrefix("//") { return true }
        guard let colon = destination.firstIndex(of: ":") else { return false }
        let scheme = destination[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter else { return false }
        return scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) }
    }

    /// `from` is the linking page's source path; `destination` the link as written.
    func resolve(_ destination: String, from page: String) -> Resolution {
        if destination.isEmpty || Self.isExternal(destination) { return .external }
        let (pathPart, fragment) = Self.splitFragment(destination)
        let decodedFragment = fragment.map { $0.contains("%") ? $0.removingPercentEncoding ?? $0 : $0 }
        if pathPart.isEmpty {
            if let anchor = decodedFragment, !anchor.isEmpty, !(anchors[page]?.contains(anchor) ?? false) {
                return .missingAnchor(page: page, anchor: anchor)
            }
            return .external
        }
        let decodedPath = pathPart.contains("%") ? pathPart.removingPercentEncoding ?? pathPart : pathPart
        let target = Self.normalize(decodedPath, relativeTo: page)
        if target.hasSuffix(".md") {
            guard let pageAnchors = anchors[target] else { return .missingPage(target) }
            if let anchor = decodedFragment, !anchor.isEmpty, !pageAnchors.contains(anchor) {
                return .missingAnchor(page: target, anchor: anchor)
            }
            let html = Self.relativePath(from: page, to: String(target.dropLast(3)) + ".html")
            return .rewritten(html + (fragment.map { "#" + $0 } ?? ""))
        }
        guard assets.contains(target) else { return .missingPage(target) }
        return .external
    }

    static func splitFragment(_ s: String) -> (String, String?) {
        guard let hash = s.firstIndex(of: "#") else { return (s, nil) }
        return (String(s[..<hash]), String(s[s.index(after: hash)...]))
    }

    /// Resolves `../a/b.md` against the folder of `page`; the result has no `.` or `..` parts.
    static func normalize(_ path: String, relativeTo page: String) -> String {
        var parts = path.hasPrefix("/") ? [] : page.split(separator: "/").dropLast().map(String.init)
        for part in path.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }

    /// A relative URL from the page at `from` to the site file `to` (both relative to the site root).
    static func relativePath(from: String, to: String) -> String {
        let depth = from.split(separator: "/").count - 1
        return String(repeating: "../", count: depth) + to
    }
}
