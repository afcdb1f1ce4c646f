// Phase one of building the index: tokenising a run of sections.
//
// This produces the tokens of Normalizer.segments + Normalizer.canonical + the unigram/bigram rule (see
// Normalizer.swift) without a String per unit: it decodes each field's UTF-8 bytes into a buffer of unit
// keys (CJK scalar, or wordBase + chunk-local word id) one segment at a time, and adds each segment's
// tokens to the section's TokenSet. The canonical (number) form of a segment only adds the tokens that
// touch a converted numeral run, since every other token of it is already there from the raw form with
// the same field bit. Its number words are interned after the segment's raw words and before the next
// segment's, the order Normalizer gives, because word ids (and so the token order of the emitted
// files) follow first appearance.

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

/// The distinct tokens of a run of consecutive sections, as (token key, posting) pairs.
struct ChunkTokens {
    /// Word units met in these sections, numbered in order of first appearance; pair keys use these ids.
    var words: WordTable
    /// The pairs of each partition (`SearchIndex.partition`), in section order.
    var pairs: PairStreams
    var docs: [IndexedDoc]
}

/// One append-only list of (token key, posting) pairs per partition. Posting: section id << 4 | bits.
/// Written by one thread in phase one, only read afterwards.
final class PairStreams: @unchecked Sendable {
    struct Stream {
        var keys: UnsafeMutablePointer<UInt64>
        var postings: UnsafeMutablePointer<UInt32>
        var count = 0
        var capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            keys = .allocate(capacity: capacity)
            postings = .allocate(capacity: capacity)
        }

        @inline(__always)
        mutating func append(_ key: UInt64, _ posting: UInt32) {
            if count == capacity { grow() }
            keys[count] = key
            postings[count] = posting
            count += 1
        }

        private mutating func grow() {
            let k = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity * 2)
            let p = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity * 2)
            k.moveInitialize(from: keys, count: count)
            p.moveInitialize(from: postings, count: count)
            keys.deallocate()
            postings.deallocate()
            keys = k
            postings = p
            capacity *= 2
        }
    }

    let streams: UnsafeMutablePointer<Stream>

    init() {
        streams = .allocate(capacity: SearchIndex.partitionCount)
        for p in 0..<SearchIndex.partitionCount { (streams + p).initialize(to: Stream(capacity: 1024)) }
    }

    deinit {
        for p in 0..<SearchIndex.partitionCount {
            streams[p].keys.deallocate()
            streams[p].postings.deallocate()
        }
        streams.deallocate()
    }
}

/// The distinct tokens of one section → field bits | (raw body occurrences << 8): open addressing
/// with multiplicative hashing over flat buffers, remembering occupied slots so that it can be walked
/// and emptied in time proportional to its entries. Key 0 marks a free slot (no token key is 0).
struct TokenSet: ~Copyable {
    private var keys: UnsafeMutablePointer<UInt64>
    private var values: UnsafeMutablePointer<UInt32>
    /// Occupied slots in insertion order.
    private var used: UnsafeMutablePointer<Int32>
    private var count = 0
    private var capacity = 0
    /// 64 − log2(capacity).
    private var shift: UInt64 = 64

    init() {
        keys = .allocate(capacity: 0)
        values = .allocate(capacity: 0)
        used = .allocate(capacity: 0)
        reserve(512)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
        used.deallocate()
    }

    /// Makes room for `n` entries (at most half full).
    mutating func reserve(_ n: Int) {
        if n * 2 <= capacity { return }
        var c = max(capacity, 1024)
        while c < n * 2 { c <<= 1 }
        let oldKeys = keys, oldValues = values, oldUsed = used, oldCount = count
        keys = .allocate(capacity: c)
        keys.initialize(repeating: 0, count: c)
        values = .allocate(capacity: c)
        used = .allocate(capacity: c / 2)
        capacity = c
        shift = UInt64(64 - c.trailingZeroBitCount)
        count = 0
        for j in 0..<oldCount {
            let s = Int(oldUsed[j])
            add(oldKeys[s], bits: oldValues[s], increment: 0)
        }
        oldKeys.deallocate()
        oldValues.deallocate()
        oldUsed.deallocate()
    }

    /// Adds the unigrams and bigrams of a segment of `n` units (a bigram for each adjacent pair at least
    /// one of which is CJK, i.e. has a key below wordBase).
    mutating func addSegment(_ units: UnsafeMutablePointer<UInt64>, _ n: Int, bits: UInt32, increment: UInt32) {
        reserve(count + 2 * n)
        let keys = self.keys, values = self.values, used = self.used
        let shift = self.shift, mask = capacity - 1
        var count = self.count
        @inline(__always) func add(_ key: UInt64) {
            var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while true {
                let k = keys[i]
                if k == key {
                    values[i] = (values[i] | bits) &+ increment
                    return
                }
                if k == 0 {
                    keys[i] = key
                    values[i] = bits | increment
                    used[count] = Int32(truncatingIfNeeded: i)
                    count &+= 1
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
        self.count = count
    }

    /// Adds one token.
    mutating func add(_ key: UInt64, bits: UInt32, increment: UInt32) {
        reserve(count + 1)
        let mask = capacity - 1
        var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while keys[i] != 0 && keys[i] != key { i = (i + 1) & mask }
        if keys[i] == key {
            values[i] = (values[i] | bits) &+ increment
        } else {
            keys[i] = key
            values[i] = bits | increment
            used[count] = Int32(truncatingIfNeeded: i)
            count += 1
        }
    }

    /// Hands each entry to `body` and empties the set.
    mutating func drain(_ body: (UInt64, UInt32) -> Void) {
        for j in 0..<count {
            let s = Int(used[j])
            body(keys[s], values[s])
            keys[s] = 0
        }
        count = 0
    }
}

struct ChunkIndexer: ~Copyable {
    private var section = TokenSet()
    private var words = WordTable()
    private var pairs = PairStreams()
    /// Unit keys of the segment being read.
    private var units: UnsafeMutablePointer<UInt64>
    private var unitCount = 0
    private var unitCapacity = 256
    /// Whether the segment has a CJK numeral (so may have a canonical form).
    private var hasNumeral = false
    /// UTF-8 of the word unit being read.
    private var word: [UInt8] = []

    /// The field being read: its bit, and 0x100 to count occurrences (body) or 0.
    private var bits: UInt32 = 0
    private var increment: UInt32 = 0

    private init() {
        units = .allocate(capacity: unitCapacity)
    }

    deinit { units.deallocate() }

    /// Tokenises `sections[range]`, numbering sections by their place in the whole list.
    static func index(_ sections: [SearchSection], range: Range<Int>, maxTextLength: Int) -> ChunkTokens {
        var indexer = ChunkIndexer()
        var docs: [IndexedDoc] = []
        docs.reserveCapacity(range.count)
        for sid in range {
            let s = sections[sid]
            indexer.add(s.pageTitle, bits: FieldBit.title, maxScalars: 0)
            indexer.add(s.breadcrumb, bits: FieldBit.title, maxScalars: 0)
            indexer.add(s.heading, bits: FieldBit.heading, maxScalars: 0)
            let isOwnSnippet = indexer.add(s.text, bits: FieldBit.body, maxScalars: maxTextLength)
            indexer.endSection(sid)
            docs.append(IndexedDoc(
                pageTitle: s.pageTitle, heading: s.heading, breadcrumb: s.breadcrumb, url: s.url,
                text: isOwnSnippet ? s.text : SearchIndex.snippetText(s.text, max: maxTextLength)))
        }
        return ChunkTokens(words: indexer.words, pairs: indexer.pairs, docs: docs)
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
        var i = 0
        var scalars = 0
        var lastSpace = -2
        var plainSpaces = true
        while i < p.count {
            let (raw, length) = utf8Scalar(p, i)
            i &+= length
            scalars &+= 1
            let v = Normalizer.map(raw)
            switch Normalizer.classify(v) {
            case .han:
                flushWord()
                appendUnit(UInt64(v))
                if Normalizer.numeralDigit(v) >= 0 { hasNumeral = true }
            case .word:
                appendUTF8(v, to: &word)
            case .space:
                flushWord()
                if raw != 0x20 || scalars == 1 || lastSpace == scalars - 1 { plainSpaces = false }
                lastSpace = scalars
            case .other:
                flushWord()
                endSegment()
            case .skip:
                flushWord()
            }
        }
        flushWord()
        endSegment()
        return plainSpaces && lastSpace != scalars && scalars <= maxScalars
    }

    @inline(__always)
    private mutating func appendUnit(_ key: UInt64) {
        if unitCount == unitCapacity {
            let grown = UnsafeMutablePointer<UInt64>.allocate(capacity: unitCapacity * 2)
            grown.moveInitialize(from: units, count: unitCount)
            units.deallocate()
            units = grown
            unitCapacity *= 2
        }
        units[unitCount] = key
        unitCount += 1
    }

    private mutating func flushWord() {
        if word.isEmpty { return }
        let id = word.withUnsafeBufferPointer { words.intern($0) }
        word.removeAll(keepingCapacity: true)
        appendUnit(UInt64(SearchIndex.wordBase + id))
    }

    private mutating func endSegment() {
        if unitCount == 0 { return }
        section.addSegment(units, unitCount, bits: bits, increment: increment)
        if hasNumeral { addCanonical() }
        unitCount = 0
        hasNumeral = false
    }

    /// Adds the tokens the segment's canonical form (`Normalizer.canonical`) has beyond its raw form:
    /// each numeral run read as a number, and its bigrams with CJK neighbours. Not counted as occurrences.
    private mutating func addCanonical() {
        let wordBase = UInt64(SearchIndex.wordBase)
        let units = self.units, n = unitCount
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

    /// Moves the section's distinct tokens to the pair streams.
    private mutating func endSection(_ sid: Int) {
        let streams = pairs.streams
        let hashes = words.hashes
        section.drain { key, value in
            var mask = value & 7
            if value >> 8 >= 3 { mask |= FieldBit.frequent }
            streams[SearchIndex.partition(key, wordHashes: hashes)].append(key, UInt32(sid) << 4 | mask)
        }
    }
}
