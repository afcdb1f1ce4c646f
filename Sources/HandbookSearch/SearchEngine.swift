// Ranking, mirrored step for step by search.js (`HandbookSearch.rank`). Only +, −, ×, ÷ and sqrt are
// used on Doubles, in the same order, so both give the same scores.
//
// For each query term and each of its variants (raw / canonical numbers), with idf(t) =
// sqrt(sqrt(1 + n / df(t))) over the variant's tokens present in the index (absent tokens are ignored):
//   matched(s)  = Σ idf(t) over the tokens section s contains
//   weighted(s) = Σ idf(t) × fieldWeight(bits), fieldWeight = body 1 (+0.5 if frequent),
//                 heading +3, page title / breadcrumb +1.5
//   cover = matched / Σ idf(t); termScore = weighted × cover²   (best variant kept, cover likewise)
// A section is a candidate when the mean cover over the terms is ≥ 0.5; its preliminary score is
// Σ termScore × meanCover. The best `rerankWindow` candidates are rescored with an exact-phrase factor
// per term of ≥ 3 units (×1.5 when the term occurs contiguously in the heading or the kept text,
// ×1.25 in the page title or breadcrumb). Ties go to the earlier section.

public struct SearchHit: Sendable, Hashable {
    /// Index of the section in the array given to the engine / builder.
    public var section: Int
    public var url: String
    public var heading: String
    public var score: Double
}

public struct SearchEngine: Sendable {
    let index: SearchIndex
    let tokens: [String: [UInt32]]

    static let maxTerms = 8
    static let minCover = 0.5
    static let rerankWindow = 30

    public init(_ sections: [SearchSection], maxTextLength: Int = SearchIndexBuilder.defaultMaxTextLength) {
        index = SearchIndex(sections, maxTextLength: maxTextLength)
        var t: [String: [UInt32]] = [:]
        t.reserveCapacity(index.keys.count)
        for (i, key) in index.keys.enumerated() {
            t[index.tokenString(key)] = Array(index.postings[index.postingRanges[i]])
        }
        tokens = t
    }

    /// Number of distinct tokens in the index.
    public var tokenCount: Int { tokens.count }

    @inline(__always)
    static func fieldWeight(_ bits: UInt32) -> Double {
        var w = 0.0
        if bits & FieldBit.body != 0 { w += 1 }
        if bits & FieldBit.frequent != 0 { w += 0.5 }
        if bits & FieldBit.heading != 0 { w += 3 }
        if bits & FieldBit.title != 0 { w += 1.5 }
        return w
    }

    public func search(_ query: String, limit: Int = 50) -> [SearchHit] {
        var terms = Normalizer.queryTerms(query)
        if terms.count > SearchEngine.maxTerms { terms = Array(terms[0..<SearchEngine.maxTerms]) }
        let T = terms.count
        let n = index.count
        if T == 0 || n == 0 { return [] }
        var score = [Double](repeating: 0, count: n * T)
        var cover = [Double](repeating: 0, count: n * T)
        var seen = [Bool](repeating: false, count: n)
        var touchedAll: [Int] = []
        var m = [Double](repeating: 0, count: n)
        var w = [Double](repeating: 0, count: n)
        var touched: [Int] = []
        let nd = Double(n)
        for ti in 0..<T {
            for variant in terms[ti] {
                let toks = Normalizer.termTokens(variant)
                var total = 0.0
                var lists: [([UInt32], Double)] = []
                for t in toks {
                    guard let p = tokens[t] else { continue }
                    let f = (1 + nd / Double(p.count)).squareRoot().squareRoot()
                    total += f
                    lists.append((p, f))
                }
                if total == 0 { continue }
                touched.removeAll(keepingCapacity: true)
                for (p, f) in lists {
                    for v in p {
                        let sid = Int(v >> 4)
                        if m[sid] == 0 { touched.append(sid) }
                        m[sid] += f
                        w[sid] += f * SearchEngine.fieldWeight(v & 15)
                    }
                }
                for sid in touched {
                    let c = m[sid] / total
                    let s = w[sid] * c * c
                    let k = sid * T + ti
                    if s > score[k] { score[k] = s }
                    if c > cover[k] { cover[k] = c }
                    m[sid] = 0
                    w[sid] = 0
                    if !seen[sid] { seen[sid] = true; touchedAll.append(sid) }
                }
            }
        }
        var candidates: [(sid: Int, prelim: Double, mean: Double)] = []
        for sid in touchedAll {
            var cs = 0.0
            for ti in 0..<T { cs += cover[sid * T + ti] }
            let mean = cs / Double(T)
            if mean < SearchEngine.minCover { continue }
            var s = 0.0
            for ti in 0..<T { s += score[sid * T + ti] }
            candidates.append((sid, s * mean, mean))
        }
        candidates.sort { $0.prelim != $1.prelim ? $0.prelim > $1.prelim : $0.sid < $1.sid }
        let r = min(SearchEngine.rerankWindow, candidates.count)
        var head: [(sid: Int, score: Double)] = []
        for c in candidates[0..<r] {
            let doc = index.docs[c.sid]
            let fields = PhraseFields(doc)
            var s = 0.0
            for ti in 0..<T {
                s += score[c.sid * T + ti] * fields.phraseFactor(terms[ti])
            }
            head.append((c.sid, s * c.mean))
        }
        head.sort { $0.score != $1.score ? $0.score > $1.score : $0.sid < $1.sid }
        var hits: [SearchHit] = []
        for h in head {
            hits.append(SearchHit(section: h.sid, url: index.docs[h.sid].url, heading: index.docs[h.sid].heading, score: h.score))
        }
        for c in candidates[r...] {
            hits.append(SearchHit(section: c.sid, url: index.docs[c.sid].url, heading: index.docs[c.sid].heading, score: c.prelim))
        }
        return Array(hits.prefix(limit))
    }
}

/// Unit streams (raw and canonical, per segment) of a document's fields, for phrase checks.
struct PhraseFields {
    var heading: [[String]]
    var title: [[String]]
    var body: [[String]]

    init(_ doc: IndexedDoc) {
        heading = PhraseFields.streams(doc.heading)
        title = PhraseFields.streams(doc.pageTitle) + PhraseFields.streams(doc.breadcrumb)
        body = PhraseFields.streams(doc.text)
    }

    static func streams(_ text: String) -> [[String]] {
        var out: [[String]] = []
        for seg in Normalizer.segments(text, query: false) {
            out.append(seg.map(\.string))
            if let c = Normalizer.canonical(seg) { out.append(c.map(\.string)) }
        }
        return out
    }

    static func contains(_ streams: [[String]], _ needle: [String]) -> Bool {
        for s in streams where s.count >= needle.count {
            var i = 0
            while i + needle.count <= s.count {
                var j = 0
                while j < needle.count && s[i + j] == needle[j] { j += 1 }
                if j == needle.count { return true }
                i += 1
            }
        }
        return false
    }

    func phraseFactor(_ variants: [[Unit]]) -> Double {
        var best = 1.0
        for v in variants where v.count >= 3 {
            let needle = v.map(\.string)
            if PhraseFields.contains(heading, needle) || PhraseFields.contains(body, needle) { return 1.5 }
            if PhraseFields.contains(title, needle) { best = 1.25 }
        }
        return best
    }
}
