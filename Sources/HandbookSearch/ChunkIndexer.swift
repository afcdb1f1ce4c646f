// Phase one of building the index: tokenising a run of sections.
//
// This produces the tokens of Normalizer.segments + Normalizer.canonical + the unigram/bigram rule (see
// Normalizer.swift) without a String per unit: it decodes each field's UTF-8 bytes into a buffer of unit
// keys (CJK scalar, or wordBase + chunk-local word id) one segment at a time, and adds each segment's
// tokens to the chunk's token table (`ChunkTokenTable`), which also keeps what the current section has of
// each. The canonical (number) form of a segment only adds the tokens that
// touch a converted numeral run, since every other token of it is already there from the raw form with
// the same field bit. Its number words are interned after the segment's raw words and before the next
// segment's, the order Normalizer gives, because word ids (and so the token order of the emitted
// files) follow first appearance. A token gets its chunk-local id when the chunk first meets it; at the
// end of a section its distinct tokens are recorded as (token id, posting) pairs, in the order the section
// first touched them, and grouped by token when the chunk is done.

/// The Unicode scalar starting at `p[i]` (the buffer is valid UTF-8) and its length in bytes.
@inline(__always)
func utf8Scalar(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> (value: UInt32, length: Int) {
    let b0 = UInt32(p[i])
    if b0 < 0x80 { return (b0, 1) }
    if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F), 2) }
    if b0 < 0xF0 { return ((b0 & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F), 3) }
    return ((b0 & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12 | UInt32(p[i + 2] & 0x3F) << 6 | UInt32(p[i + 3] & 0x3F), 4)
}

/// Appends the UTF-8 encoding of scalar `v`.
@inline(__always)
func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
    if v < 0x80 {
        out.append(UInt8(v))
    } else if v < 0x800 {
        out.append(UInt8(0xC0 | v >> 6))
        out.append(UInt8(0x80 | v & 0x3F))
    } else if v < 0x10000 {
        out.append(UInt8(0xE0 | v >> 12))
        out.append(UInt8(0x80 | v >> 6 & 0x3F))
        out.append(UInt8(0x80 | v & 0x3F))
    } else {
        out.append(UInt8(0xF0 | v >> 18))
        out.append(UInt8(0x80 | v >> 12 & 0x3F))
        out.append(UInt8(0x80 | v >> 6 & 0x3F))
        out.append(UInt8(0x80 | v & 0x3F))
    }
}

/// The tokens of a run of consecutive sections and their postings (section id << 4 | field bits).
struct ChunkTokens {
    /// Word units met in these sections, numbered in order of first appearance; `keys` use these ids.
    var words: WordTable
    /// Token keys by chunk-local token id, in order of first appearance.
    var keys: [UInt64]
    /// The id of the chunk's first section.
    var firstSection: Int
    /// Token t's postings are `postings[postingStarts[t]..<postingStarts[t + 1]]`, in section order,
    /// with section ids relative to `firstSection` (so 16 bits hold them: chunkSize ≤ 4096).
    var postingStarts: [Int]
    var postings: [UInt16]
    /// The token ids of partition p (`SearchIndex.partition`) are
    /// `partitionTokens[partitionStarts[p]..<partitionStarts[p + 1]]`, ascending.
    var partitionStarts: [Int]
    var partitionTokens: [UInt32]
    /// Number of postings of each partition's tokens.
    var partitionPostings: [Int]
}

/// An append-only buffer of plain values.
struct FlatBuffer<Element: BitwiseCopyable>: ~Copyable {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inline(__always)
    mutating func append(_ e: Element) {
        if count == capacity { grow() }
        base[count] = e
        count += 1
    }

    /// Sets the count after elements were written in place (within the capacity `reserve` made).
    mutating func setCount(_ n: Int) {
        precondition(n <= capacity)
        count = n
    }

    /// Makes room for `n` more elements.
    mutating func reserve(_ n: Int) {
        while count + n > capacity { grow() }
    }

    private mutating func grow() {
        let b = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        b.moveInitialize(from: base, count: count)
        base.deallocate()
        base = b
        capacity *= 2
    }
}

/// A chunk's distinct tokens (key → chunk-local id, ids in order of first appearance) and, by id, what the
/// section being read has of each: field bits | (raw body occurrences << 8), and which ids it touched, in
/// order. One table for both: a token of a section is looked up once, where a table per section and one per
/// chunk looked it up in each (the chunk's table, larger than the cache, once per distinct token per section).
struct ChunkTokenTable: ~Copyable {
    /// Slot → key (0: free; no token key is 0) and its id.
    private var keys: UnsafeMutablePointer<UInt64>
    private var ids: UnsafeMutablePointer<UInt32>
    private var capacity = 0
    /// 64 − log2(capacity).
    private var shift: UInt64 = 64
    /// By id: the key, the section that last touched it, and its value in that section.
    private(set) var tokenKeys: [UInt64] = []
    private var stamps = FlatBuffer<UInt32>(capacity: 4096)
    private var values = FlatBuffer<UInt32>(capacity: 4096)
    /// The ids the current section touched, in order of first touch.
    private var used = FlatBuffer<UInt32>(capacity: 1024)
    private var section: UInt32 = 0

    var count: Int { tokenKeys.count }

    init() {
        keys = .allocate(capacity: 0)
        ids = .allocate(capacity: 0)
        reserve(4096)
    }

    deinit {
        keys.deallocate()
        ids.deallocate()
    }

    /// Makes room for `n` more tokens (the table at most half full) and their values.
    mutating func reserve(_ n: Int) {
        stamps.reserve(n)
        values.reserve(n)
        used.reserve(n)
        let needed = (count + n) * 2
        if needed <= capacity { return }
        var c = max(capacity, 4096)
        while c < needed { c <<= 1 }
        let oldKeys = keys, oldIds = ids, oldCapacity = capacity
        keys = .allocate(capacity: c)
        keys.initialize(repeating: 0, count: c)
        ids = .allocate(capacity: c)
        capacity = c
        shift = UInt64(64 - c.trailingZeroBitCount)
        let mask = c - 1
        for s in 0..<oldCapacity where oldKeys[s] != 0 {
            var i = Int(truncatingIfNeeded: (oldKeys[s] &* 0x9E37_79B9_7F4A_7C15) &>> shift)
            while keys[i] != 0 { i = (i + 1) & mask }
            keys[i] = oldKeys[s]
            ids[i] = oldIds[s]
        }
        oldKeys.deallocate()
        oldIds.deallocate()
    }

    /// Adds the unigrams and bigrams of a segment of `n` units (a bigram for each adjacent pair at least
    /// one of which is CJK, i.e. has a key below wordBase).
    mutating func addSegment(_ units: UnsafeMutablePointer<UInt64>, _ n: Int, bits: UInt32, increment: UInt32) {
        reserve(2 * n)
        let keys = self.keys, ids = self.ids, stamps = self.stamps.base, values = self.values.base, used = self.used.base
        let shift = self.shift, mask = capacity - 1, section = self.section
        var count = self.count, usedCount = self.used.count
        var newKeys: [UInt64] = []
        @inline(__always) func add(_ key: UInt64) {
            var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) &>> shift)
            while true {
                let k = keys[i]
                if k == key {
                    let id = Int(ids[i])
                    if stamps[id] == section {
                        values[id] = (values[id] | bits) &+ increment
                    } else {
                        stamps[id] = section
                        values[id] = bits | increment
                        used[usedCount] = UInt32(truncatingIfNeeded: id)
                        usedCount &+= 1
                    }
                    return
                }
                if k == 0 {
                    keys[i] = key
                    ids[i] = UInt32(truncatingIfNeeded: count)
                    stamps[count] = section
                    values[count] = bits | increment
                    used[usedCount] = UInt32(truncatingIfNeeded: count)
                    usedCount &+= 1
                    count &+= 1
                    newKeys.append(key)
                    return
                }
                i = (i &+ 1) & mask
            }
        }
        let wordBase = UInt64(SearchIndex.wordBase)
        var previous = units[0]
        add(previous << 32 | SearchIndex.noUnit)
        for j in 1..<n {
            let u = units[j]
            add(u << 32 | SearchIndex.noUnit)
            if previous < wordBase || u < wordBase { add(previous << 32 | u) }
            previous = u
        }
        tokenKeys += newKeys
        self.stamps.setCount(count)
        self.values.setCount(count)
        self.used.setCount(usedCount)
    }

    /// Adds one token.
    mutating func add(_ key: UInt64, bits: UInt32, increment: UInt32) {
        reserve(1)
        let mask = capacity - 1
        var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) &>> shift)
        while keys[i] != 0 && keys[i] != key { i = (i + 1) & mask }
        let id: Int
        if keys[i] == key {
            id = Int(ids[i])
        } else {
            id = count
            keys[i] = key
            ids[i] = UInt32(truncatingIfNeeded: id)
            tokenKeys.append(key)
            stamps.append(UInt32.max)
            values.append(0)
        }
        if stamps.base[id] == section {
            values.base[id] = (values.base[id] | bits) &+ increment
        } else {
            stamps.base[id] = section
            values.base[id] = bits | increment
            used.append(UInt32(truncatingIfNeeded: id))
        }
    }

    /// Hands each id the section touched, with its value, in order of first touch, and starts the next section.
    mutating func endSection(_ body: (_ id: UInt32, _ value: UInt32) -> Void) {
        let used = self.used.base, values = self.values.base
        for j in 0..<self.used.count {
            let id = used[j]
            body(id, values[Int(id)])
        }
        self.used.setCount(0)
        section &+= 1
    }
}

struct ChunkIndexer: ~Copyable {
    private var section = ChunkTokenTable()
    private var words = WordTable()
    /// Each section's distinct tokens as (token id, posting), in section order.
    private var pairTokens = FlatBuffer<UInt32>(capacity: 1 << 16)
    private var pairPostings = FlatBuffer<UInt16>(capacity: 1 << 16)
    /// Room for the unit keys of the segment being read.
    private var units = FlatBuffer<UInt64>(capacity: 256)
    /// UTF-8 of the word unit being read.
    private var word: [UInt8] = []

    /// The field being read: its bit, and 0x100 to count occurrences (body) or 0.
    private var bits: UInt32 = 0
    private var increment: UInt32 = 0

    private let firstSection: Int

    private init(firstSection: Int) {
        self.firstSection = firstSection
    }

    /// Tokenises a run of consecutive sections, numbering them from `firstSection` (their place in the whole
    /// index), and initialises `docs[0..<sections.count]`.
    static func index(_ sections: ArraySlice<SearchSection>, firstSection: Int, maxTextLength: Int,
                      docs: UnsafeMutablePointer<IndexedDoc>) -> ChunkTokens {
        var indexer = ChunkIndexer(firstSection: firstSection)
        for (i, s) in zip(0..., sections) {
            let sid = firstSection + i
            indexer.add(s.pageTitle, bits: FieldBit.title, maxScalars: 0)
            // The usual breadcrumbs, the title itself or "title » heading", have no token that the title
            // and heading lack ("»" breaks segments) and no word in another order: skip reading them again.
            // (Byte for byte: canonically equal strings can have other scalars, so other tokens.)
            if UTF8Bytes.same(s.breadcrumb, s.pageTitle) {
                indexer.add(s.heading, bits: FieldBit.heading, maxScalars: 0)
            } else if isTitleAndHeading(s.breadcrumb, s.pageTitle, s.heading) {
                indexer.add(s.heading, bits: FieldBit.heading | FieldBit.title, maxScalars: 0)
            } else {
                indexer.add(s.breadcrumb, bits: FieldBit.title, maxScalars: 0)
                indexer.add(s.heading, bits: FieldBit.heading, maxScalars: 0)
            }
            let isOwnSnippet = indexer.add(s.text, bits: FieldBit.body, maxScalars: maxTextLength)
            indexer.endSection(sid)
            (docs + i).initialize(to: IndexedDoc(
                pageTitle: s.pageTitle, heading: s.heading, breadcrumb: s.breadcrumb, url: s.url,
                text: isOwnSnippet ? s.text : SearchIndex.snippetText(s.text, max: maxTextLength)))
        }
        return indexer.finish()
    }

    /// Whether `breadcrumb` is `title + " » " + heading`, byte for byte.
    private static func isTitleAndHeading(_ breadcrumb: String, _ title: String, _ heading: String) -> Bool {
        let t = title.utf8.count
        guard breadcrumb.utf8.count == t + 4 + heading.utf8.count else { return false }
        var crumb = breadcrumb, title = title, heading = heading
        return crumb.withUTF8 { c in
            // " » " is 20 C2 BB 20.
            c[t] == 0x20 && c[t + 1] == 0xC2 && c[t + 2] == 0xBB && c[t + 3] == 0x20
                && title.withUTF8 { UTF8Bytes.same(UnsafeBufferPointer(rebasing: c.prefix(t)), $0) }
                && heading.withUTF8 { UTF8Bytes.same(UnsafeBufferPointer(rebasing: c.suffix($0.count)), $0) }
        }
    }

    /// Adds the tokens of one field. Returns whether the text is its own snippet
    /// (`SearchIndex.snippetText`): at most `maxScalars` scalars, white space only single interior U+0020.
    @discardableResult
    private mutating func add(_ text: String, bits: UInt32, maxScalars: Int) -> Bool {
        self.bits = bits
        increment = bits == FieldBit.body ? 0x100 : 0
        var text = text
        return text.withUTF8 { scan($0, maxScalars: maxScalars) }
    }

    private mutating func scan(_ p: UnsafeBufferPointer<UInt8>, maxScalars: Int) -> Bool {
        Normalizer.numeralFilter.withUnsafeBufferPointer { scan(p, maxScalars: maxScalars, numeralFilter: $0) }
    }

    private mutating func scan(_ p: UnsafeBufferPointer<UInt8>, maxScalars: Int, numeralFilter: UnsafeBufferPointer<UInt64>) -> Bool {
        // A field has at most one unit per scalar, so its segments' units fit in `units` as reserved
        // here; the loop keeps their count and the segment's state in locals.
        units.reserve(p.count)
        let units = self.units.base
        var n = 0
        var hasNumeral = false
        var inWord = false
        var i = 0
        var scalars = 0
        var lastSpace = -2
        var plainSpaces = true
        while i < p.count {
            // Fast path for most of Chinese text: U+4000–U+9FFF (lead bytes E4–E9) are CJK ideographs
            // that map to themselves, except U+4DC0–U+4DFF.
            let b0 = p[i]
            if b0 &- 0xE4 < 6 {
                let v = UInt32(b0 & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F)
                if v &- 0x4DC0 >= 0x40 {
                    i &+= 3
                    scalars &+= 1
                    if inWord {
                        units[n] = takeWord()
                        n &+= 1
                        inWord = false
                    }
                    units[n] = UInt64(v)
                    n &+= 1
                    if Normalizer.mayBeNumeral(v, filter: numeralFilter) && Normalizer.numeralDigit(v) >= 0 { hasNumeral = true }
                    continue
                }
            }
            let (raw, length) = utf8Scalar(p, i)
            i &+= length
            scalars &+= 1
            let v = Normalizer.map(raw)
            let kind = Normalizer.classify(v)
            if kind == .word {
                appendUTF8(v, to: &word)
                inWord = true
                continue
            }
            if inWord {
                units[n] = takeWord()
                n &+= 1
                inWord = false
            }
            switch kind {
            case .han:
                units[n] = UInt64(v)
                n &+= 1
                if Normalizer.numeralDigit(v) >= 0 { hasNumeral = true }
            case .space:
                if raw != 0x20 || scalars == 1 || lastSpace == scalars - 1 { plainSpaces = false }
                lastSpace = scalars
            case .other:
                endSegment(units, n, hasNumeral: hasNumeral)
                n = 0
                hasNumeral = false
            case .word, .skip:
                break
            }
        }
        if inWord {
            units[n] = takeWord()
            n &+= 1
        }
        endSegment(units, n, hasNumeral: hasNumeral)
        return plainSpaces && lastSpace != scalars && scalars <= maxScalars
    }

    /// The unit key of the word just read, interned.
    private mutating func takeWord() -> UInt64 {
        let id = word.withUnsafeBufferPointer { words.intern($0) }
        word.removeAll(keepingCapacity: true)
        return UInt64(SearchIndex.wordBase + id)
    }

    private mutating func endSegment(_ units: UnsafeMutablePointer<UInt64>, _ n: Int, hasNumeral: Bool) {
        if n == 0 { return }
        section.addSegment(units, n, bits: bits, increment: increment)
        if hasNumeral { addCanonical(units, n) }
    }

    /// Adds the tokens the segment's canonical form (`Normalizer.canonical`) has beyond its raw form:
    /// each numeral run read as a number, and its bigrams with CJK neighbours. Not counted as occurrences.
    private mutating func addCanonical(_ units: UnsafeMutablePointer<UInt64>, _ n: Int) {
        let wordBase = UInt64(SearchIndex.wordBase)
        @inline(__always) func digit(_ j: Int) -> Int {
            units[j] < wordBase ? Normalizer.numeralDigit(UInt32(units[j])) : -1
        }
        var j = 0
        while j < n {
            if digit(j) < 0 {
                j += 1
                continue
            }
            let start = j
            while j < n && digit(j) >= 0 { j += 1 }
            var convert = j - start >= 2
            if j - start == 1 {
                if j < n && units[j] < wordBase && Normalizer.classifiers.contains(UInt32(units[j])) { convert = true }
                if start > 0 && units[start - 1] == UInt64(Normalizer.di) { convert = true }
            }
            guard convert, var value = Normalizer.numeralValue(digits: (start..<j).map(digit)) else { continue }
            let k = UInt64(SearchIndex.wordBase + value.withUTF8 { words.intern($0) })
            section.add(k << 32 | SearchIndex.noUnit, bits: bits, increment: 0)
            if start > 0 && units[start - 1] < wordBase { section.add(units[start - 1] << 32 | k, bits: bits, increment: 0) }
            if j < n && units[j] < wordBase { section.add(k << 32 | units[j], bits: bits, increment: 0) }
        }
    }

    /// Records the section's distinct tokens as (token id, posting) pairs.
    private mutating func endSection(_ sid: Int) {
        let posting = UInt16(sid - firstSection) << 4
        section.endSection { id, value in
            var mask = value & 7
            if value >> 8 >= 3 { mask |= FieldBit.frequent }
            pairTokens.append(id)
            pairPostings.append(posting | UInt16(mask))
        }
    }

    /// Groups the postings by token, in a chunk-sized buffer that stays in cache (a stable counting
    /// sort), and the tokens by partition.
    private consuming func finish() -> ChunkTokens {
        let tokenKeys = section.tokenKeys
        let n = pairTokens.count, tokenCount = tokenKeys.count
        let pairTokens = self.pairTokens.base, pairPostings = self.pairPostings.base
        var postingStarts = [Int](repeating: 0, count: tokenCount + 1)
        let postings = [UInt16](unsafeUninitializedCapacity: n) { out, initialized in
            postingStarts.withUnsafeMutableBufferPointer { starts in
                for j in 0..<n { starts[Int(pairTokens[j]) + 1] += 1 }
                for t in 0..<tokenCount { starts[t + 1] += starts[t] }
                for j in 0..<n {
                    let t = Int(pairTokens[j])
                    out[starts[t]] = pairPostings[j]
                    starts[t] += 1
                }
                // Each start has moved on to the next token's: shift them back.
                for t in stride(from: tokenCount, to: 0, by: -1) { starts[t] = starts[t - 1] }
                starts[0] = 0
            }
            initialized = n
        }
        let partitionOf = tokenKeys.map { SearchIndex.partition($0, wordHashes: words.hashes) }
        var partitionStarts = [Int](repeating: 0, count: SearchIndex.partitionCount + 1)
        var partitionPostings = [Int](repeating: 0, count: SearchIndex.partitionCount)
        for (t, p) in partitionOf.enumerated() {
            partitionStarts[p + 1] += 1
            partitionPostings[p] += postingStarts[t + 1] - postingStarts[t]
        }
        for p in 0..<SearchIndex.partitionCount { partitionStarts[p + 1] += partitionStarts[p] }
        var fill = partitionStarts
        var partitionTokens = [UInt32](repeating: 0, count: tokenCount)
        for (t, p) in partitionOf.enumerated() {
            partitionTokens[fill[p]] = UInt32(t)
            fill[p] += 1
        }
        return ChunkTokens(words: words, keys: tokenKeys, firstSection: firstSection,
                           postingStarts: postingStarts, postings: postings, partitionStarts: partitionStarts,
                           partitionTokens: partitionTokens, partitionPostings: partitionPostings)
    }
}
