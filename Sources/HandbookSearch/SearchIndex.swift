import Dispatch

// The in-memory index shared by the emitter (which writes it as JavaScript) and SearchEngine.
//
// Building it takes two parallel phases. Phase one (ChunkIndexer) tokenises runs of sections: it numbers
// the chunk's distinct tokens and groups their postings by token, in buffers small enough to stay in
// cache, and sorts the tokens into partitions by a hash of their content. Between the phases the
// chunks' word tables are merged, which fixes every word's id (ids follow first appearance, and the
// emitted token order follows the ids). Phase two handles each partition on its own: it renumbers the
// words in the chunks' token keys, finds each chunk token's index-wide token in a small hash table,
// and copies the chunks' runs of postings, chunk after chunk, into the partition's region of one flat
// array. A radix sort of all distinct keys then gives the token order. Nothing depends on how the
// sections were chunked, so the index is the same on any machine.

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

/// Results of `body(0..<count)`, computed on all cores.
func concurrentMap<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
    [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        nonisolated(unsafe) let out = buffer
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: count) { i in
            (out.baseAddress! + i).initialize(to: body(i))
        }
        initialized = count
    }
}

struct SearchIndex {
    let count: Int
    let docs: [IndexedDoc]
    /// Word units by id, in order of first appearance. Unit keys: CJK scalar value, or wordBase + id.
    let words: WordTable
    /// Distinct token keys, ascending: first unit << 32 | second unit, or noUnit for a one-unit token.
    let keys: [UInt64]
    /// Token i's postings are `postings[postingRanges[i]]`: section id << 4 | field bits, ascending ids.
    let postingRanges: [Range<Int>]
    let postings: [UInt32]

    static let wordBase: UInt32 = 0x40000
    static let noUnit: UInt64 = 0xFFFF_FFFF

    /// Sections are tokenised in chunks of this many, in parallel. At most 4096: a chunk keeps its
    /// postings in 16 bits, section ids relative to the chunk's first.
    static let chunkSize = 1024
    /// Chunk tokens are grouped into this many partitions, by content, for phase two.
    static let partitionBits: UInt64 = 8
    static let partitionCount = 1 << partitionBits

    init(_ sections: [SearchSection], maxTextLength: Int) {
        count = sections.count
        let chunkCount = (sections.count + SearchIndex.chunkSize - 1) / SearchIndex.chunkSize
        var chunks: [ChunkTokens] = []
        docs = [IndexedDoc](unsafeUninitializedCapacity: sections.count) { buffer, initialized in
            nonisolated(unsafe) let docs = buffer.baseAddress
            chunks = concurrentMap(chunkCount) { c in
                let start = c * SearchIndex.chunkSize
                return ChunkIndexer.index(sections[start..<min(start + SearchIndex.chunkSize, sections.count)], firstSection: start,
                                          maxTextLength: maxTextLength, docs: docs! + start)
            }
            initialized = sections.count
        }

        // Word ids by first appearance over all sections: chunk by chunk, each in its own order.
        var words = WordTable()
        let wordIds = chunks.map { words.merge($0.words) }
        self.words = words

        // Partition p's postings go to postings[partitionStarts[p]..<partitionStarts[p + 1]].
        var partitionStarts = [0]
        for p in 0..<SearchIndex.partitionCount {
            partitionStarts.append(chunks.reduce(partitionStarts[p]) { $0 + $1.partitionPostings[p] })
        }
        let total = partitionStarts[SearchIndex.partitionCount]
        var parts: [PartitionTokens] = []
        postings = [UInt32](unsafeUninitializedCapacity: total) { buffer, initialized in
            nonisolated(unsafe) let out = buffer
            parts = concurrentMap(SearchIndex.partitionCount) { p in
                PartitionTokens(p, chunks, wordIds, into: out, at: partitionStarts[p])
            }
            initialized = total
        }
        chunks = []  // their postings are copied into `postings`; free them before the sort
        var allKeys: [UInt64] = []
        var allRanges: [Range<Int>] = []
        for part in parts {
            allKeys += part.keys
            allRanges += part.ranges
        }
        let (sortedKeys, order) = SearchIndex.ascending(allKeys)
        keys = sortedKeys
        postingRanges = order.map { allRanges[Int($0)] }
    }

    /// The partition of a token: a hash of its units' content (CJK scalar, or the word's content hash),
    /// so a token falls in the same partition in every chunk whatever its chunk-local word ids.
    @inline(__always)
    static func partition(_ key: UInt64, wordHashes: [UInt64]) -> Int {
        @inline(__always) func hash(_ u: UInt64) -> UInt64 {
            u >= UInt64(wordBase) && u != noUnit ? wordHashes[Int(u - UInt64(wordBase))] : u
        }
        let h = ((hash(key >> 32) &* 0x9E37_79B9_7F4A_7C15) ^ hash(key & noUnit)) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: h >> (64 - partitionBits))
    }

    /// `key` with chunk-local word ids replaced by `ids[localId]`.
    @inline(__always)
    static func renumber(_ key: UInt64, _ ids: UnsafeBufferPointer<UInt32>) -> UInt64 {
        @inline(__always) func unit(_ u: UInt64) -> UInt64 {
            u >= UInt64(wordBase) && u != noUnit ? UInt64(wordBase + ids[Int(u - UInt64(wordBase))]) : u
        }
        return unit(key >> 32) << 32 | unit(key & noUnit)
    }

    /// Distinct `keys` in ascending order, with each one's position in `keys`: an LSD radix sort on
    /// 11-bit digits that skips the digits all keys share.
    static func ascending(_ keys: [UInt64]) -> (keys: [UInt64], order: [UInt32]) {
        let n = keys.count
        var k = keys, order = (0..<UInt32(n)).map { $0 }
        var k2 = [UInt64](repeating: 0, count: n), order2 = [UInt32](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 2048)
        for shift in stride(from: UInt64(0), to: 64, by: 11) {
            for d in 0..<2048 { counts[d] = 0 }
            for key in k { counts[Int(key >> shift & 2047)] += 1 }
            if counts.contains(n) { continue }
            var sum = 0
            for d in 0..<2048 {
                let c = counts[d]
                counts[d] = sum
                sum += c
            }
            for i in 0..<n {
                let d = Int(k[i] >> shift & 2047)
                k2[counts[d]] = k[i]
                order2[counts[d]] = order[i]
                counts[d] += 1
            }
            swap(&k, &k2)
            swap(&order, &order2)
        }
        return (k, order)
    }

    /// Calls `body` with each Unicode scalar value of the token `key`.
    @inline(__always)
    func forEachScalar(of key: UInt64, _ body: (UInt32) -> Void) {
        words.forEachScalar(ofKey: key, body)
    }

    func tokenString(_ key: UInt64) -> String {
        var s = String.UnicodeScalarView()
        forEachScalar(of: key) { s.append(Unicode.Scalar($0)!) }
        return String(s)
    }

    /// White space runs collapsed to one space, trimmed, cut to `max` scalars.
    static func snippetText(_ text: String, max: Int) -> String {
        var text = text
        return text.withUTF8 { p in
            var out: [UInt8] = []
            out.reserveCapacity(p.count)
            var n = 0
            var pendingSpace = false
            var i = 0
            while i < p.count {
                let (v, length) = utf8Scalar(p, i)
                defer { i += length }
                if Normalizer.classify(Normalizer.map(v)) == .space {
                    pendingSpace = true
                    continue
                }
                if n >= max { break }
                if pendingSpace && n > 0 {
                    out.append(0x20)
                    n += 1
                    if n >= max { break }
                }
                pendingSpace = false
                out.append(contentsOf: UnsafeBufferPointer(rebasing: p[i..<(i + length)]))
                n += 1
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}

/// A partition's distinct tokens in order of first appearance over the chunks, with their numbers of postings.
struct PartitionKeys: ~Copyable {
    private var table = KeyTable(capacity: 1024)
    private(set) var keys: [UInt64] = []
    private(set) var counts: [Int] = []

    /// The partition-wide number of `key` (a chunk token with global word ids) that has `postings` more postings.
    @inline(__always)
    mutating func add(_ key: UInt64, postings: Int) -> UInt32 {
        let (s, inserted) = table.slot(key)
        if inserted {
            table.values[s] = UInt32(keys.count)
            keys.append(key)
            counts.append(0)
        }
        let g = table.values[s]
        counts[Int(g)] += postings
        return g
    }
}

/// Phase two for one partition: its distinct tokens (keys with global word ids, in order of first
/// appearance) and where each one's postings went.
struct PartitionTokens {
    var keys: [UInt64] = []
    var ranges: [Range<Int>] = []

    /// Writes the partition's postings, grouped by token and in section order within a token, to
    /// `out[base...]`.
    init(_ p: Int, _ chunks: [ChunkTokens], _ wordIds: [[UInt32]], into out: UnsafeMutableBufferPointer<UInt32>, at base: Int) {
        var merged = PartitionKeys()
        // The partition's token of each chunk token in this partition, chunk by chunk.
        var tokenOf: [UInt32] = []
        tokenOf.reserveCapacity(chunks.reduce(0) { $0 + $1.partitionStarts[p + 1] - $1.partitionStarts[p] })
        for (c, chunk) in chunks.enumerated() {
            wordIds[c].withUnsafeBufferPointer { ids in
                for t in chunk.partitionTokens[chunk.partitionStarts[p]..<chunk.partitionStarts[p + 1]] {
                    tokenOf.append(merged.add(SearchIndex.renumber(chunk.keys[Int(t)], ids),
                                              postings: chunk.postingStarts[Int(t) + 1] - chunk.postingStarts[Int(t)]))
                }
            }
        }
        keys = merged.keys
        let counts = merged.counts
        var fill = [Int](repeating: base, count: keys.count + 1)
        for g in 0..<keys.count { fill[g + 1] = fill[g] + counts[g] }
        ranges = (0..<keys.count).map { fill[$0]..<fill[$0 + 1] }
        var k = 0
        for chunk in chunks {
            let offset = UInt32(chunk.firstSection) << 4
            chunk.postings.withUnsafeBufferPointer { postings in
                for t in chunk.partitionTokens[chunk.partitionStarts[p]..<chunk.partitionStarts[p + 1]] {
                    let g = Int(tokenOf[k])
                    let run = chunk.postingStarts[Int(t)]..<chunk.postingStarts[Int(t) + 1]
                    let destination = out.baseAddress! + fill[g] - run.lowerBound
                    for j in run { destination[j] = offset + UInt32(postings[j]) }
                    fill[g] += run.count
                    k += 1
                }
            }
        }
    }
}
