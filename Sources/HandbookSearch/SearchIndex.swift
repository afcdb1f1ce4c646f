import Dispatch

// The in-memory index shared by the emitter (which writes it as JavaScript) and SearchEngine.

/// Field bits kept with every posting.
enum FieldBit {
    static let body: UInt32 = 1
    static let heading: UInt32 = 2
    static let title: UInt32 = 4  // page title or breadcrumb
    static let frequent: UInt32 = 8  // three or more occurrences in the body
}

struct IndexedDoc {
    var pageTitle: String
    var heading: String
    var breadcrumb: String
    var url: String
    /// White space collapsed, truncated to maxTextLength scalars.
    var text: String
}

struct SearchIndex {
    private(set) var count: Int
    var docs: [IndexedDoc] = []
    /// Interned word units: id → word. Unit keys: CJK scalar value, or wordBase + id.
    var words: [String] = []
    var wordIds: [String: UInt32] = [:]
    /// Token key → postings (section id << 4 | field bits), ascending section ids.
    var postings: [UInt64: [UInt32]] = [:]

    static let wordBase: UInt32 = 0x40000
    static let noUnit: UInt64 = 0xFFFF_FFFF

    /// Sections are indexed in chunks of this many, in parallel, and the chunks merged in order. The size
    /// is fixed (not the number of cores) so the index, and its emitted files, are the same on any machine.
    static let chunkSize = 1024

    init(_ sections: [SearchSection], maxTextLength: Int) {
        let starts = Array(stride(from: 0, to: sections.count, by: SearchIndex.chunkSize))
        guard starts.count > 1 else {
            self.init(sections, range: 0..<sections.count, maxTextLength: maxTextLength)
            return
        }
        let chunks = UnsafeMutableBufferPointer<SearchIndex?>.allocate(capacity: starts.count)
        chunks.initialize(repeating: nil)
        defer { chunks.deallocate() }
        nonisolated(unsafe) let output = chunks
        DispatchQueue.concurrentPerform(iterations: starts.count) { i in
            let range = starts[i]..<min(starts[i] + SearchIndex.chunkSize, sections.count)
            output[i] = SearchIndex(sections, range: range, maxTextLength: maxTextLength)
        }
        self = chunks[0]!
        for i in 1..<starts.count { merge(chunks[i]!) }
        count = sections.count
    }

    /// Indexes `sections[range]`, numbering sections by their place in the whole list.
    private init(_ sections: [SearchSection], range: Range<Int>, maxTextLength: Int) {
        count = range.count
        docs.reserveCapacity(range.count)
        var local: [UInt64: UInt32] = [:]
        for sid in range {
            let section = sections[sid]
            local.removeAll(keepingCapacity: true)
            addField(section.pageTitle, bit: FieldBit.title, into: &local)
            addField(section.breadcrumb, bit: FieldBit.title, into: &local)
            addField(section.heading, bit: FieldBit.heading, into: &local)
            addField(section.text, bit: FieldBit.body, into: &local)
            for (key, value) in local {
                var mask = value & 7
                if value >> 8 >= 3 { mask |= FieldBit.frequent }
                postings[key, default: []].append(UInt32(sid) << 4 | mask)
            }
            docs.append(IndexedDoc(
                pageTitle: section.pageTitle, heading: section.heading, breadcrumb: section.breadcrumb,
                url: section.url, text: SearchIndex.snippetText(section.text, max: maxTextLength)))
        }
    }

    /// Appends a chunk indexed after this one: its word ids are renumbered into this index's table.
    private mutating func merge(_ other: SearchIndex) {
        var remap = [UInt32](repeating: 0, count: other.words.count)
        for (id, word) in other.words.enumerated() {
            if let existing = wordIds[word] {
                remap[id] = existing
            } else {
                remap[id] = UInt32(words.count)
                wordIds[word] = remap[id]
                words.append(word)
            }
        }
        func unit(_ v: UInt64) -> UInt64 {
            v >= UInt64(SearchIndex.wordBase) && v != SearchIndex.noUnit ? UInt64(SearchIndex.wordBase + remap[Int(v - UInt64(SearchIndex.wordBase))]) : v
        }
        for (key, list) in other.postings {
            let newKey = unit(key >> 32) << 32 | unit(key & 0xFFFF_FFFF)
            postings[newKey, default: []].append(contentsOf: list)
        }
        docs.append(contentsOf: other.docs)
    }

    @inline(__always)
    mutating func unitKey(_ u: Unit) -> UInt64 {
        if u.isHan { return UInt64(u.code) }
        if let id = wordIds[u.word] { return UInt64(SearchIndex.wordBase + id) }
        let id = UInt32(words.count)
        words.append(u.word)
        wordIds[u.word] = id
        return UInt64(SearchIndex.wordBase + id)
    }

    mutating func addField(_ text: String, bit: UInt32, into local: inout [UInt64: UInt32]) {
        if text.isEmpty { return }
        let counting = bit == FieldBit.body
        for seg in Normalizer.segments(text, query: false) {
            addSegment(seg, bit: bit, counting: counting, into: &local)
            if let c = Normalizer.canonical(seg) {
                addSegment(c, bit: bit, counting: false, into: &local)
            }
        }
    }

    @inline(__always)
    mutating func addSegment(_ seg: [Unit], bit: UInt32, counting: Bool, into local: inout [UInt64: UInt32]) {
        let inc: UInt32 = counting ? 0x100 : 0
        var prev: UInt64 = 0
        var prevHan = false
        for (i, u) in seg.enumerated() {
            let k = unitKey(u)
            let uni = k << 32 | SearchIndex.noUnit
            if let old = local[uni] { local[uni] = (old | bit) &+ inc } else { local[uni] = bit | inc }
            if i > 0 && (prevHan || u.isHan) {
                let bi = prev << 32 | k
                if let old = local[bi] { local[bi] = (old | bit) &+ inc } else { local[bi] = bit | inc }
            }
            prev = k
            prevHan = u.isHan
        }
    }

    func unitString(_ k: UInt64) -> String {
        let v = UInt32(truncatingIfNeeded: k)
        if v >= SearchIndex.wordBase { return words[Int(v - SearchIndex.wordBase)] }
        return String(Character(Unicode.Scalar(v)!))
    }

    func tokenString(_ key: UInt64) -> String {
        let lo = key & SearchIndex.noUnit
        let hi = key >> 32
        if lo == SearchIndex.noUnit { return unitString(hi) }
        return unitString(hi) + unitString(lo)
    }

    /// White space runs collapsed to one space, trimmed, cut to `max` scalars.
    static func snippetText(_ text: String, max: Int) -> String {
        var out = String.UnicodeScalarView()
        var n = 0
        var pendingSpace = false
        for s in text.unicodeScalars {
            if Normalizer.classify(Normalizer.map(s.value)) == .space {
                pendingSpace = true
                continue
            }
            if n >= max { break }
            if pendingSpace && n > 0 {
                out.append(" ")
                n += 1
                if n >= max { break }
            }
            pendingSpace = false
            out.append(s)
            n += 1
        }
        return String(out)
    }
}
