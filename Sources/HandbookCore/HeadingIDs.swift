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
        let scalars = text.unicodeScalars
        guard scalars.first == "第" else { return nil }
        var index = scalars.index(after: scalars.startIndex)
        var digits = 0
        while index < scalars.endIndex, ("0"..."9").contains(scalars[index]) {
            digits += 1
            index = scalars.index(after: index)
        }
        guard digits > 0, index < scalars.endIndex, scalars[index] == "条" else { return nil }
        return String(scalars[...index])
    }

    public static func slug(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingDash = false
        // NFKC folds full-width Latin letters and digits (Ａ１) to ASCII before lowercasing. It changes nothing
        // in ASCII or in the CJK Unified Ideographs block, which is most headings: skip it (and Foundation) then.
        let plain = text.unicodeScalars.allSatisfy { $0.isASCII || (0x4E00...0x9FFF).contains($0.value) }
        for scalar in plain ? text.unicodeScalars : text.precomposedStringWithCompatibilityMapping.unicodeScalars {
            // CJK Unified Ideographs are all alphabetic: most heading text needs no property look-up.
            let keep = (0x4E00...0x9FFF).contains(scalar.value) || scalar.properties.isAlphabetic
                || scalar.properties.numericType == .decimal || scalar == "_" || scalar == "-"
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
