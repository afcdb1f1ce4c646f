import Foundation

/// Readable, unique heading ids that keep Chinese characters.
///
/// `{#id}` at the end of a heading wins; a heading starting `第N条` gets `第N条` (stable clause anchors);
/// otherwise a slug (NFKC-normalised): letters (Han included), digits, `-`, `_` kept, ASCII lowercased, other runs → `-`.
/// An empty or digits-only slug is prefixed with `section-`. Duplicates on a page get `-2`, `-3`, ….
public struct HeadingIDGenerator: Sendable {
    private var used: [String: Int] = [:]

    public init() {}

    public mutating func makeID(for text: String, explicit: String? = nil) -> String {
        let base = explicit ?? Self.clauseID(text) ?? Self.slug(text)
        guard let count = used[base] else {
            used[base] = 1
            return base
        }
        var n = count + 1
        while used["\(base)-\(n)"] != nil { n += 1 }
        used[base] = n
        used["\(base)-\(n)"] = 1
        return "\(base)-\(n)"
    }

    /// `第31条 投诉受理` → `第31条`.
    static func clauseID(_ text: String) -> String? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 3, scalars[0] == "第" else { return nil }
        var i = 1
        while i < scalars.count, ("0"..."9").contains(scalars[i]) { i += 1 }
        guard i > 1, i < scalars.count, scalars[i] == "条" else { return nil }
        return String(String.UnicodeScalarView(scalars[0...i]))
    }

    public static func slug(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingDash = false
        // NFKC folds full-width Latin letters and digits (Ａ１) to ASCII before lowercasing.
        for scalar in text.precomposedStringWithCompatibilityMapping.unicodeScalars {
            let keep = scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal || scalar == "_" || scalar == "-"
            if keep {
                if pendingDash && !out.isEmpty { out.append("-") }
                pendingDash = false
                if scalar.isASCII, let lower = scalar.properties.lowercaseMapping.unicodeScalars.first {
                    out.append(lower)
                } else {
                    out.append(scalar)
                }
            } else {
                pendingDash = true
            }
        }
        var slug = String(out)
        while slug.hasSuffix("-") { slug.removeLast() }
        while slug.hasPrefix("-") { slug.removeFirst() }
        if slug.isEmpty || slug.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }) {
            slug = "section" + (slug.isEmpty ? "" : "-" + slug)
        }
        return slug
    }

    /// Splits a trailing `{#id}` off heading text: `投诉处理 {#complaints}` → ("投诉处理", "complaints").
    public static func explicitID(in text: String) -> (text: String, id: String)? {
        guard text.hasSuffix("}"), let open = text.range(of: "{#", options: .backwards) else { return nil }
        let id = String(text[open.upperBound..<text.index(before: text.endIndex)])
        guard !id.isEmpty, !id.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "<" || $0 == ">" }) else { return nil }
        let rest = text[..<open.lowerBound]
        return (String(rest.reversed().drop(while: { $0 == " " }).reversed()), id)
    }
}
