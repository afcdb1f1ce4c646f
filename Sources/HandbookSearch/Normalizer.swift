// Text normalisation and tokenisation. Mirrored exactly by theme/assets/search.js (`normalizeQuery`);
// a browser test compares both on a shared list of query strings.
//
// 1. Each Unicode scalar is mapped: full-width ASCII (U+FF01–FF5E) → ASCII, U+3000 → space,
//    A–Z and À–Þ (except ×) → lower case. Zero-width characters and the soft hyphen are dropped.
// 2. Scalars are classed: CJK (Han, kana, Hangul, 〇) → one unit each; word characters
//    (0–9, a–z, ß–ÿ except ÷, U+0100–024F) → runs forming one word unit; white space; anything else
//    (all punctuation, Chinese or ASCII) → a break.
// 3. Units between breaks form a segment. Index text ignores white space (so "VIP 客户" still gives
//    the bigram vip客); a query treats white space as a break, so each space-separated part is a term.
// 4. Numbers: a run of Chinese numerals (零〇一二两三四五六七八九十百千万) becomes one word unit
//    holding its Arabic value when it is ≥ 2 characters, or 1 character followed by a classifier
//    (个, 份, 天, …) or preceded by 第. 三个工作日 → 3 个 工 作 日; 二十四小时 → 24 小 时. Index text is
//    indexed in both the raw and this canonical form; a query term is tried in both.
// 5. Tokens: every unit alone (unigram), and every adjacent pair of units at least one of which is CJK
//    (bigram, the two unit strings concatenated). A query term of one unit looks up that unit; a longer
//    term looks up its bigrams (plus any word unit that is in no bigram).
//
// ChunkIndexer.swift applies the same rules to index text, on UTF-8 bytes: a change here must be made
// there too (HandbookSearchTests compares the two on random text).

struct Unit: Equatable {
    /// The CJK scalar value, or 0 for a word unit.
    var code: UInt32
    /// The word (letters/digits, or the Arabic value of a Chinese numeral run); empty for CJK.
    var word: String
    /// Scalar offsets [start, end) in the source text.
    var start: Int
    var end: Int

    var isHan: Bool { code != 0 }
    var string: String { isHan ? String(Character(Unicode.Scalar(code)!)) : word }
}

enum CharClass { case han, word, space, other, skip }

enum Normalizer {
    @inline(__always)
    static func map(_ v: UInt32) -> UInt32 {
        var v = v
        if v >= 0xFF01 && v <= 0xFF5E { v -= 0xFEE0 } else if v == 0x3000 { return 0x20 }
        if v >= 0x41 && v <= 0x5A { return v + 32 }
        if v >= 0xC0 && v <= 0xDE && v != 0xD7 { return v + 32 }
        return v
    }

    @inline(__always)
    static func classify(_ v: UInt32) -> CharClass {
        if v < 0x80 {
            if (v >= 0x30 && v <= 0x39) || (v >= 0x61 && v <= 0x7A) { return .word }
            if v == 0x20 || (v >= 0x09 && v <= 0x0D) { return .space }
            return .other
        }
        if v >= 0x4E00 && v <= 0x9FFF { return .han }
        if v >= 0x3400 && v <= 0x4DBF { return .han }
        if v >= 0xF900 && v <= 0xFAFF { return .han }
        if v >= 0x20000 && v <= 0x3134F { return .han }
        if v >= 0x3040 && v <= 0x30FF && v != 0x30FB { return .han }
        if v >= 0xAC00 && v <= 0xD7AF { return .han }
        if v == 0x3007 { return .han }
        if (v >= 0xDF && v <= 0xFF && v != 0xF7) || (v >= 0x100 && v <= 0x24F) { return .word }
        if v == 0xA0 || v == 0x2028 || v == 0x2029 { return .space }
        if v == 0xAD || (v >= 0x200B && v <= 0x200D) || v == 0xFEFF { return .skip }
        return .other
    }

    /// Splits text into segments of units. `query`: white space breaks segments.
    static func segments(_ text: String, query: Bool) -> [[Unit]] {
        var result: [[Unit]] = []
        var seg: [Unit] = []
        var word = String.UnicodeScalarView()
        var wordStart = 0
        var offset = 0
        @inline(__always) func flushWord(_ end: Int) {
            if !word.isEmpty {
                seg.append(Unit(code: 0, word: String(word), start: wordStart, end: end))
                word = String.UnicodeScalarView()
            }
        }
        for scalar in text.unicodeScalars {
            let v = map(scalar.value)
            switch classify(v) {
            case .word:
                if word.isEmpty { wordStart = offset }
                word.append(Unicode.Scalar(v)!)
            case .han:
                flushWord(offset)
                seg.append(Unit(code: v, word: "", start: offset, end: offset + 1))
            case .space:
                flushWord(offset)
                if query, !seg.isEmpty { result.append(seg); seg = [] }
            case .other:
                flushWord(offset)
                if !seg.isEmpty { result.append(seg); seg = [] }
            case .skip:
                flushWord(offset)
            }
            offset += 1
        }
        flushWord(offset)
        if !seg.isEmpty { result.append(seg) }
        return result
    }

    // MARK: numbers

    @inline(__always)
    static func numeralDigit(_ c: UInt32) -> Int {
        switch c {
        case 0x96F6, 0x3007: return 0  // 零 〇
        case 0x4E00: return 1  // 一
        case 0x4E8C, 0x4E24: return 2  // 二 两
        case 0x4E09: return 3  // 三
        case 0x56DB: return 4  // 四
        case 0x4E94: return 5  // 五
        case 0x516D: return 6  // 六
        case 0x4E03: return 7  // 七
        case 0x516B: return 8  // 八
        case 0x4E5D: return 9  // 九
        case 0x5341: return 10  // 十
        case 0x767E: return 100  // 百
        case 0x5343: return 1000  // 千
        case 0x4E07: return 10000  // 万
        default: return -1
        }
    }

    /// For hot loops: a 256-bit mask of the numerals' low eight bits, so that
    /// `mayBeNumeral` is true for every numeral and false for most other characters.
    static let numeralFilter: [UInt64] = {
        var mask = [UInt64](repeating: 0, count: 4)
        for v in UInt32(0)..<0x10000 where numeralDigit(v) >= 0 { mask[Int(v >> 6 & 3)] |= 1 << UInt64(v & 63) }
        return mask
    }()

    @inline(__always)
    static func mayBeNumeral(_ v: UInt32, filter: UnsafeBufferPointer<UInt64>) -> Bool {
        filter[Int(v >> 6 & 3)] >> UInt64(v & 63) & 1 != 0
    }

    /// Classifiers and units after which a single numeral is read as a number.
    static let classifiers: Set<UInt32> = Set(
        "个份天日月年次条名位件周元人项类级种张台辆本页分秒点倍成折号家层期批段步章节款米吨斤公小星季岁遍轮套组只把道封栋间单笔票箱包瓶支双对部场届声口篇句字行列排格万千百十".unicodeScalars.map(\.value))
    static let di: UInt32 = 0x7B2C  // 第

    /// The Arabic value of a run of Chinese numerals, or nil when it is not read as a number.
    static func numeralValue(_ units: ArraySlice<Unit>) -> String? {
        numeralValue(digits: units.lazy.map { numeralDigit($0.code) })
    }

    /// The Arabic value of a run of numerals given as their `numeralDigit` values.
    static func numeralValue<Digits: Collection<Int>>(digits: Digits) -> String? {
        if digits.count > 12 { return nil }
        var hasMultiplier = false
        for d in digits where d >= 10 { hasMultiplier = true }
        if !hasMultiplier {
            var s = ""
            for d in digits { s += String(d) }
            return s
        }
        var total = 0, section = 0, current = 0
        for d in digits {
            if d < 10 {
                current = d
            } else if d < 10000 {
                section += (current == 0 ? 1 : current) * d
                current = 0
            } else {
                var t = total + section + current
                if t == 0 { t = 1 }
                if t > 100_000_000_000 { return nil }
                total = t * 10000
                section = 0
                current = 0
            }
        }
        return String(total + section + current)
    }

    /// The segment with numeral runs replaced by number word units, or nil when nothing changes.
    static func canonical(_ seg: [Unit]) -> [Unit]? {
        var out: [Unit]? = nil
        var i = 0
        let n = seg.count
        while i < n {
            let u = seg[i]
            if u.isHan && numeralDigit(u.code) >= 0 {
                var j = i + 1
                while j < n && seg[j].isHan && numeralDigit(seg[j].code) >= 0 { j += 1 }
                let len = j - i
                var convert = len >= 2
                if len == 1 {
                    if j < n && seg[j].isHan && classifiers.contains(seg[j].code) { convert = true }
                    if i > 0 && seg[i - 1].code == di { convert = true }
                }
                if convert, let value = numeralValue(seg[i..<j]) {
                    if out == nil { out = Array(seg[0..<i]) }
                    out!.append(Unit(code: 0, word: value, start: seg[i].start, end: seg[j - 1].end))
                } else if out != nil {
                    out!.append(contentsOf: seg[i..<j])
                }
                i = j
            } else {
                out?.append(u)
                i += 1
            }
        }
        return out
    }

    // MARK: queries

    /// Tokens of one query term (a segment): the unit alone, or its Han bigrams plus the units in no
    /// bigram. A Latin word or number next to Han text stays a token of its own: "展厅5S" must find
    /// "展厅卫生与5S", which has no "厅5s" pair.
    static func termTokens(_ seg: [Unit]) -> [String] {
        if seg.count == 1 { return [seg[0].string] }
        var tokens: [String] = []
        var covered = [Bool](repeating: false, count: seg.count)
        for i in 0..<(seg.count - 1) where seg[i].isHan && seg[i + 1].isHan {
            let t = seg[i].string + seg[i + 1].string
            if !tokens.contains(t) { tokens.append(t) }
            covered[i] = true
            covered[i + 1] = true
        }
        for i in 0..<seg.count where !covered[i] {
            let t = seg[i].string
            if !tokens.contains(t) { tokens.append(t) }
        }
        return tokens
    }

    /// A query as terms; each term has one or two variants (raw, canonical numbers), each a unit list.
    static func queryTerms(_ query: String) -> [[[Unit]]] {
        var terms: [[[Unit]]] = []
        for seg in segments(query, query: true) {
            var variants = [seg]
            if let c = canonical(seg) {
                let a = termTokens(seg), b = termTokens(c)
                if a != b { variants.append(c) }
            }
            terms.append(variants)
        }
        return terms
    }

    /// The token lists of a query: terms → variants → tokens. This is what the JS normaliser must
    /// reproduce exactly (`HandbookSearch.normalizeQuery` in search.js).
    static func queryTokens(_ query: String) -> [[[String]]] {
        queryTerms(query).map { $0.map(termTokens) }
    }
}

public enum SearchNormalizer {
    /// Terms → variants → tokens for a query string; identical to `HandbookSearch.normalizeQuery` in JS.
    public static func queryTokens(_ query: String) -> [[[String]]] {
        Normalizer.queryTokens(query)
    }
}
