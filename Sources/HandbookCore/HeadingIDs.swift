import Foundation

/// Readable, unique heading ids that keep Chinese characters.
///
/// `{#id}` at the end of a heading wins; a heading starting `第N条` gets `第N条` (stable clause anchors);
/// otherwise a slug (NFKC-normalised): letters (Han included), digits, `-`, `_` kept, ASCII lowercased, other runs → `-`.
/// An empty or digits-only slug is prefixed with `section-`. Duplicates on a page get `-2`, `-3`, ….
public struct HeadingIDGenerator: Sendable {
    /// Ids given so far (byte for byte, see `ExactString`) → the last number suffix tried for each base.
    private var used: [ExactString: Int] = [:]

    public init() {}

    /// Makes room for `n` headings' ids.
    public mutating func reserveCapacity(_ n: Int) { used.reserveCapacity(n) }

    public mutating func makeID(for text: String, explicit: String? = nil) -> String {
        let base = explicit ?? Self.clauseID(text) ?? Self.slug(text)
        guard let count = used[ExactString(base)] else {
            used[ExactString(base)] = 1
            return base
        }
        var n = count + 1
        while used[ExactString("\(base)-\(n)")] != nil { n += 1 }
        used[ExactString(base)] = n
        used[ExactString("\(base)-\(n)")] = 1
        return "\(base)-\(n)"
    }

    /// `第31条 投诉受理` → `第31条`.
    static func clauseID(_ text: String) -> String? {
        let bytes = text.utf8
        // 第 is E7 AC AC, 条 is E6 9D A1.
        guard bytes.starts(with: [0xE7, 0xAC, 0xAC]) else { return nil }
        var index = bytes.index(bytes.startIndex, offsetBy: 3)
        var digits = 0
        while index < bytes.endIndex, bytes[index] &- UInt8(ascii: "0") < 10 {
            digits += 1
            index = bytes.index(after: index)
        }
        guard digits > 0, bytes[index...].starts(with: [0xE6, 0x9D, 0xA1]) else { return nil }
        return String(Substring(bytes[..<bytes.index(index, offsetBy: 3)]))
    }

    public static func slug(_ text: String) -> String {
        var slug = plainSlug(text) ?? unicodeSlug(text)
        if slug.isEmpty || slug.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || $0 &- UInt8(ascii: "0") < 10 }) {
            slug = "section" + (slug.isEmpty ? "" : "-" + slug)
        }
        return slug
    }

    /// The slug of text that is all ASCII and CJK Unified Ideographs (U+4E00–U+9FFF), most headings, read as
    /// UTF-8 bytes: NFKC changes nothing in it, and every ideograph is alphabetic. Nil for any other text.
    static func plainSlug(_ text: String) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var pendingDash = false
        var bytes = text.utf8.makeIterator()
        while let b = bytes.next() {
            let kept: Bool
            if b < 0x80 {
                let lower = b | 0x20
                kept = lower &- UInt8(ascii: "a") < 26 || b &- UInt8(ascii: "0") < 10 || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
                if kept {
                    if pendingDash && !out.isEmpty { out.append(UInt8(ascii: "-")) }
                    pendingDash = false
                    out.append(lower &- UInt8(ascii: "a") < 26 ? lower : b)
                } else {
                    pendingDash = true
                }
                continue
            }
            // U+4E00–U+9FFF: E4 B8 80 … E9 BF BF.
            guard b &- 0xE4 < 6, let b1 = bytes.next(), let b2 = bytes.next(), b != 0xE4 || b1 >= 0xB8 else { return nil }
            if pendingDash && !out.isEmpty { out.append(UInt8(ascii: "-")) }
            pendingDash = false
            out.append(b)
            out.append(b1)
            out.append(b2)
        }
        // A kept `-` may start or end the slug: trim them as the Unicode path does.
        let first = out.firstIndex { $0 != UInt8(ascii: "-") } ?? out.endIndex
        let last = out.lastIndex { $0 != UInt8(ascii: "-") }.map { $0 + 1 } ?? first
        return String(decoding: out[first..<max(first, last)], as: UTF8.self)
    }

    /// The slug of any other text, NFKC-normalised first (full-width Latin letters and digits become ASCII).
    static func unicodeSlug(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingDash = false
        for scalar in text.precomposedStringWithCompatibilityMapping.unicodeScalars {
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
        return slug
    }

    /// Splits a trailing `{#id}` off heading text: `投诉处理 {#complaints}` → ("投诉处理", "complaints").
    public static func explicitID(in text: String) -> (text: String, id: String)? {
        guard text.utf8.last == UInt8(ascii: "}"), let open = text.range(of: "{#", options: .backwards) else { return nil }
        let id = String(text[open.upperBound..<text.index(before: text.endIndex)])
        guard !id.isEmpty, !id.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "<" || $0 == ">" }) else { return nil }
        let rest = text[..<open.lowerBound]
        return (String(rest.reversed().drop(while: { $0 == " " }).reversed()), id)
    }
}
