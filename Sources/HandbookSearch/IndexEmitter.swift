import Dispatch

// Writes the index as JavaScript files that register themselves with search.js through a queue:
//   (window.HandbookSearchQ = window.HandbookSearchQ || []).push(message)
// so they work from file:// (loaded by <script>, never fetched) and in either load order.
//
// Messages (JSON objects):
//   index  {"k":"i","v":1,"n":sections,"ts":tokenShards,"dn":docShards,"dz":sectionsPerDocShard,
//           "t":{token:postings,…},"d":{"o":0,"p":[…],"s":[…]}}  ("t"/"d" only when not sharded)
//   shard  {"k":"t","i":N,"t":{token:postings,…}}                assets/search/shard-N.js
//   docs   {"k":"d","i":N,"d":{"o":firstSection,"p":[pageTitle…],"s":[[pageIdx,heading,crumb,url,text]…]}}
//                                                               assets/search/docs-N.js
// Tokens are in ascending token key order (within a shard too). A token lives in shard
// fnv1a32(code points of token) % ts. Postings: for each section in ascending id order the value
// ((id − previousId − 1) << 4 | fieldBits), previousId starting at −1, written as a base-32 varint in the
// alphabet below: a character at index ≥ 32 carries 5 more low bits and continues, one at index < 32
// ends the number.
//
// Every file is written as UTF-8 bytes into its own buffer, the files in parallel.

enum IndexEmitter {
    static let alphabet: [UInt8] = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_".utf8)
    static let prefix = "(window.HandbookSearchQ=window.HandbookSearchQ||[]).push("
    static let suffix = ");\n"
    static let docShardSize = 64
    static let tokenShardBytes = 120_000

    /// The index's files; with `write`, each file goes to it as soon as it is made and comes back with empty contents.
    static func emit(_ index: SearchIndex, sharded: Bool, write: (@Sendable (String, String) -> Void)? = nil) -> SearchIndexOutput {
        func handOver(_ file: (path: String, contents: String)) -> (path: String, contents: String) {
            guard let write else { return file }
            write(file.path, file.contents)
            return (file.path, "")
        }
        let entries = TokenEntries(index)
        if !sharded {
            var out = prefix + "{\"k\":\"i\",\"v\":1,\"n\":\(index.count),\"ts\":0,\"dn\":0,\"dz\":0,\"t\":"
            out.reserveCapacity(entries.total + index.docs.reduce(256) { $0 + $1.estimatedJSONSize })
            out += entries.json(0..<index.keys.count)
            out += ",\"d\":"
            appendDocs(index.docs[...], offset: 0, to: &out)
            out += "}" + suffix
            return SearchIndexOutput(files: [handOver(("assets/search-index.js", out))])
        }
        let ts = tokenShards(total: entries.total)
        // Each shard's tokens, still in key order: a stable counting sort by shard.
        var shardStarts = [Int](repeating: 0, count: ts + 1)
        for h in entries.hashes { shardStarts[Int(h % UInt32(ts)) + 1] += 1 }
        for n in 0..<ts { shardStarts[n + 1] += shardStarts[n] }
        var members = [Int](repeating: 0, count: index.keys.count)
        var fill = shardStarts
        for (r, h) in entries.hashes.enumerated() {
            let n = Int(h % UInt32(ts))
            members[fill[n]] = r
            fill[n] += 1
        }
        let dn = (index.docs.count + docShardSize - 1) / docShardSize
        let header = shardedHeader(count: index.count, tokenShards: ts)
        let files = concurrentMap(ts + dn) { f -> (path: String, contents: String) in
            if f < ts {
                return handOver(entries.shardFile(f, members[shardStarts[f]..<shardStarts[f + 1]]))
            }
            let n = f - ts
            let lo = n * docShardSize, hi = min(index.docs.count, lo + docShardSize)
            return handOver(docsFile(index.docs[lo..<hi], number: n, offset: lo))
        }
        return SearchIndexOutput(files: [handOver(header)] + files)
    }

    /// `assets/search/docs-N.js`: the docs message of the sections from `offset` on.
    static func docsFile(_ docs: ArraySlice<IndexedDoc>, number n: Int, offset: Int) -> (path: String, contents: String) {
        var out = prefix + "{\"k\":\"d\",\"i\":\(n),\"d\":"
        out.reserveCapacity(docs.reduce(256) { $0 + $1.estimatedJSONSize })
        appendDocs(docs, offset: offset, to: &out)
        out += "}" + suffix
        return (docsPath(n), out)
    }

    /// The header message of a sharded index.
    static func shardedHeader(count: Int, tokenShards ts: Int) -> (path: String, contents: String) {
        let dn = (count + docShardSize - 1) / docShardSize
        return ("assets/search-index.js", prefix + "{\"k\":\"i\",\"v\":1,\"n\":\(count),\"ts\":\(ts),\"dn\":\(dn),\"dz\":\(docShardSize)}" + suffix)
    }

    /// The number of token shards for entries of `total` bytes (each counted with one separator).
    static func tokenShards(total: Int) -> Int {
        max(1, min(1024, (total + tokenShardBytes - 1) / tokenShardBytes))
    }

    /// Writes the entry `"token":"postings"` of token `key` at `out[w...]` (room: `entryBound`); returns the
    /// index after it and the token's shard hash (FNV-1a over its code points).
    @inline(__always)
    static func writeEntry(_ key: UInt64, _ postings: UnsafeBufferPointer<UInt32>, words: WordTable,
                           to out: UnsafeMutableBufferPointer<UInt8>, at start: Int) -> (end: Int, hash: UInt32) {
        var w = start
        var h: UInt32 = 2_166_136_261
        out[w] = UInt8(ascii: "\"")
        w += 1
        // Tokens are CJK and word scalars only (Normalizer.classify): none needs escaping.
        words.forEachScalar(ofKey: key) { v in
            h = (h ^ v) &* 16_777_619
            w = writeUTF8(v, to: out, at: w)
        }
        out[w] = UInt8(ascii: "\"")
        out[w + 1] = UInt8(ascii: ":")
        out[w + 2] = UInt8(ascii: "\"")
        w += 3
        alphabet.withUnsafeBufferPointer { alphabet in
            var prev = -1
            for p in postings {
                let sid = Int(p >> 4)
                var v = UInt64(sid - prev - 1) << 4 | UInt64(p & 15)
                prev = sid
                while v >= 32 {
                    out[w] = alphabet[Int(32 + (v & 31))]
                    w += 1
                    v >>= 5
                }
                out[w] = alphabet[Int(v)]
                w += 1
            }
        }
        out[w] = UInt8(ascii: "\"")
        return (w + 1, h)
    }

    /// Room enough for a token's entry: at most 8 bytes of token (two scalars), 5 of punctuation and 7 per
    /// posting (< 2^35).
    static func entryBound(postings: Int) -> Int { 13 + 7 * postings }

    /// `"token":"postings"` for every token, in key order, written once (in parallel batches) and
    /// copied into whichever file holds the token; and each token's shard hash.
    struct TokenEntries {
        static let batchSize = 2048

        struct Batch {
            var bytes: [UInt8]
            /// Entry i of the batch ends at ends[i] and starts at ends[i - 1] (or 0).
            var ends: [Int]
            var hashes: [UInt32]
        }

        var batches: [Batch]
        /// Σ (entry size + 1): the entries' bytes with a separator each, which sets the number of shards.
        var total: Int
        var hashes: [UInt32] { batches.flatMap(\.hashes) }

        init(_ index: SearchIndex) {
            let n = index.keys.count
            let size = TokenEntries.batchSize
            batches = concurrentMap((n + size - 1) / size) { b in
                TokenEntries.batch(index, (b * size)..<min(n, (b + 1) * size))
            }
            total = batches.reduce(0) { $0 + $1.bytes.count + $1.ends.count }
        }

        private static func batch(_ index: SearchIndex, _ tokens: Range<Int>) -> Batch {
            let bound = tokens.reduce(0) { $0 + IndexEmitter.entryBound(postings: index.postingRanges[$1].count) }
            var ends: [Int] = []
            var hashes: [UInt32] = []
            ends.reserveCapacity(tokens.count)
            hashes.reserveCapacity(tokens.count)
            let bytes = [UInt8](unsafeUninitializedCapacity: bound) { out, written in
                var w = 0
                index.postings.withUnsafeBufferPointer { postings in
                    for r in tokens {
                        let (end, h) = IndexEmitter.writeEntry(index.keys[r], UnsafeBufferPointer(rebasing: postings[index.postingRanges[r]]),
                                                               words: index.words, to: out, at: w)
                        w = end
                        ends.append(w)
                        hashes.append(h)
                    }
                }
                written = w
            }
            return Batch(bytes: bytes, ends: ends, hashes: hashes)
        }

        /// `head{entry,entry,…}tail` for the tokens at `positions` (ascending) of the index's key order,
        /// written straight into the String's storage.
        func json(_ positions: some Collection<Int>) -> String {
            let positions = Array(positions)
            return IndexEmitter.object(count: positions.count, bytes: positions.reduce(0) { $0 + entry($1).range.count }) { n, write in
                let (batch, range) = entry(positions[n])
                batch.bytes.withUnsafeBytes { write(UnsafeRawBufferPointer(rebasing: $0[range])) }
            }
        }

        /// Token shard `f`'s file, holding the tokens at `positions` (ascending) of the index's key order.
        func shardFile(_ f: Int, _ positions: some Collection<Int>) -> (path: String, contents: String) {
            let positions = Array(positions)
            return IndexEmitter.shardFile(f, count: positions.count, bytes: positions.reduce(0) { $0 + entry($1).range.count }) { n, write in
                let (batch, range) = entry(positions[n])
                batch.bytes.withUnsafeBytes { write(UnsafeRawBufferPointer(rebasing: $0[range])) }
            }
        }

        /// The batch holding the entry of the token at `position` of the key order, and where in its bytes.
        private func entry(_ position: Int) -> (batch: Batch, range: Range<Int>) {
            let b = batches[position / TokenEntries.batchSize], i = position % TokenEntries.batchSize
            return (b, (i == 0 ? 0 : b.ends[i - 1])..<b.ends[i])
        }
    }

    /// `head{entry,entry,…}tail`, written straight into a String's storage: `entry(n, write)` hands entry n's
    /// bytes (valid UTF-8) to `write`; `bytes` is the entries' total size.
    static func object(between head: String = "", and tail: String = "", count: Int, bytes: Int,
                       entry: (_ n: Int, _ write: (UnsafeRawBufferPointer) -> Void) -> Void) -> String {
        String(unsafeUninitializedCapacity: objectSize(head, tail, count: count, bytes: bytes)) { out in
            writeObject(into: out, head: head, tail: tail, count: count, entry: entry)
        }
    }

    /// The same as UTF-8 bytes, for a file that is only written: a String would check every byte again.
    static func objectUTF8(between head: String = "", and tail: String = "", count: Int, bytes: Int,
                           entry: (_ n: Int, _ write: (UnsafeRawBufferPointer) -> Void) -> Void) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: objectSize(head, tail, count: count, bytes: bytes)) { out, written in
            written = writeObject(into: out, head: head, tail: tail, count: count, entry: entry)
        }
    }

    /// Head, tail, entries, braces and separators.
    private static func objectSize(_ head: String, _ tail: String, count: Int, bytes: Int) -> Int {
        head.utf8.count + tail.utf8.count + bytes + 2 + max(count - 1, 0)
    }

    /// Writes `head{entry,entry,…}tail` into `out` (of `objectSize`); returns the bytes written.
    private static func writeObject(into out: UnsafeMutableBufferPointer<UInt8>, head: String, tail: String, count: Int,
                                    entry: (_ n: Int, _ write: (UnsafeRawBufferPointer) -> Void) -> Void) -> Int {
        var head = head, tail = tail
        var w = 0
        func write(_ bytes: UnsafeRawBufferPointer) {
            guard let start = bytes.baseAddress, bytes.count > 0 else { return }
            precondition(w + bytes.count <= out.count)
            UnsafeMutableRawPointer(out.baseAddress! + w).copyMemory(from: start, byteCount: bytes.count)
            w += bytes.count
        }
        head.withUTF8 { write(UnsafeRawBufferPointer($0)) }
        out[w] = UInt8(ascii: "{")
        w += 1
        for n in 0..<count {
            if n > 0 {
                out[w] = UInt8(ascii: ",")
                w += 1
            }
            entry(n, write)
        }
        out[w] = UInt8(ascii: "}")
        w += 1
        tail.withUTF8 { write(UnsafeRawBufferPointer($0)) }
        return w
    }

    /// `assets/search/shard-N.js` with `count` entries in key order (see `object`).
    static func shardFile(_ f: Int, count: Int, bytes: Int,
                          entry: (_ n: Int, _ write: (UnsafeRawBufferPointer) -> Void) -> Void) -> (path: String, contents: String) {
        (shardPath(f), object(between: shardHead(f), and: "}" + suffix, count: count, bytes: bytes, entry: entry))
    }

    /// The same as UTF-8 bytes (`objectUTF8`).
    static func shardFileUTF8(_ f: Int, count: Int, bytes: Int,
                              entry: (_ n: Int, _ write: (UnsafeRawBufferPointer) -> Void) -> Void) -> (path: String, contents: [UInt8]) {
        (shardPath(f), objectUTF8(between: shardHead(f), and: "}" + suffix, count: count, bytes: bytes, entry: entry))
    }

    private static func shardHead(_ f: Int) -> String { prefix + "{\"k\":\"t\",\"i\":\(f),\"t\":" }

    static func shardPath(_ f: Int) -> String { "assets/search/shard-\(f).js" }
    static func docsPath(_ n: Int) -> String { "assets/search/docs-\(n).js" }

    /// `{"o":offset,"p":[pageTitle…],"s":[[pageIdx,heading,crumb,url,text]…]}`. Built from the docs'
    /// own (valid) Strings, so that the bulk of the output is copied, not re-validated as UTF-8.
    static func appendDocs(_ docs: ArraySlice<IndexedDoc>, offset: Int, to out: inout String) {
        var pages: [String] = []
        var pageIds: [String: Int] = [:]
        var pageOf: [Int] = []
        pageOf.reserveCapacity(docs.count)
        for d in docs {
            if let last = pages.last, last == d.pageTitle {
                pageOf.append(pages.count - 1)
            } else if let p = pageIds[d.pageTitle] {
                pageOf.append(p)
            } else {
                pageOf.append(pages.count)
                pageIds[d.pageTitle] = pages.count
                pages.append(d.pageTitle)
            }
        }
        out += "{\"o\":"
        out += String(offset)
        out += ",\"p\":["
        for (i, p) in pages.enumerated() {
            if i > 0 { out += "," }
            appendJSONString(p, to: &out)
        }
        out += "],\"s\":["
        let pageNumbers = (0..<pages.count).map { String($0) }
        for (i, d) in docs.enumerated() {
            out += i > 0 ? ",[" : "["
            out += pageNumbers[pageOf[i]]
            if mayNeedEscapes(d.heading) || mayNeedEscapes(d.breadcrumb) || mayNeedEscapes(d.url) || mayNeedEscapes(d.text) {
                for field in [d.heading, d.breadcrumb, d.url, d.text] {
                    out += ","
                    appendJSONString(field, to: &out)
                }
                out += "]"
            } else {
                // The usual row: its strings copied between the quotes and separators.
                out += ",\""
                out += d.heading
                out += "\",\""
                out += d.breadcrumb
                out += "\",\""
                out += d.url
                out += "\",\""
                out += d.text
                out += "\"]"
            }
        }
        out += "]}"
    }

    static func mayNeedEscapes(_ s: String) -> Bool {
        var s = s
        return s.withUTF8(mayNeedEscapes)
    }

    /// A JSON string literal that is also a safe JavaScript string literal (U+2028/2029 escaped).
    static func appendJSONString(_ s: String, to out: inout String) {
        var s = s
        if !s.withUTF8(mayNeedEscapes) {
            out += "\""
            out += s
            out += "\""
            return
        }
        out += String(decoding: s.withUTF8(escapedJSONString), as: UTF8.self)
    }

    /// The quoted and escaped string, for the rare strings that `mayNeedEscapes`.
    static func escapedJSONString(_ p: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        out.reserveCapacity(p.count + 16)
        var i = 0
        while i < p.count {
            let b = p[i]
            switch b {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0..<0x20, 0x7F:
                let hex = Array("0123456789abcdef".utf8)
                out += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]]
            case 0xE2 where i + 2 < p.count && p[i + 1] == 0x80 && (p[i + 2] == 0xA8 || p[i + 2] == 0xA9):
                // U+2028 / U+2029 are E2 80 A8 / E2 80 A9.
                out += Array((p[i + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8)
                i += 2
            default:
                out.append(b)
            }
            i += 1
        }
        out.append(UInt8(ascii: "\""))
        return out
    }

    /// False when no byte needs escaping: none is ", \\, below 0x20, 0x7F, or E2 (the lead byte of
    /// U+2028/2029 among others). Checks eight bytes at a time.
    static func mayNeedEscapes(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZeroByte(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
        @inline(__always) func hasByte(_ w: UInt64, _ b: UInt8) -> Bool { hasZeroByte(w ^ (ones &* UInt64(b))) }
        guard let base = p.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= p.count {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let control = (w &- ones &* 0x20) & ~w & highs != 0
            if control || hasByte(w, 0x22) || hasByte(w, 0x5C) || hasByte(w, 0x7F) || hasByte(w, 0xE2) { return true }
            i += 8
        }
        while i < p.count {
            let b = p[i]
            if b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F || b == 0xE2 { return true }
            i += 1
        }
        return false
    }
}

/// Writes the UTF-8 encoding of scalar `v` at `out[w...]`; returns the index after it.
@inline(__always)
func writeUTF8(_ v: UInt32, to out: UnsafeMutableBufferPointer<UInt8>, at w: Int) -> Int {
    if v < 0x80 {
        out[w] = UInt8(v)
        return w + 1
    }
    if v < 0x800 {
        out[w] = UInt8(0xC0 | v >> 6)
        out[w + 1] = UInt8(0x80 | v & 0x3F)
        return w + 2
    }
    if v < 0x10000 {
        out[w] = UInt8(0xE0 | v >> 12)
        out[w + 1] = UInt8(0x80 | v >> 6 & 0x3F)
        out[w + 2] = UInt8(0x80 | v & 0x3F)
        return w + 3
    }
    out[w] = UInt8(0xF0 | v >> 18)
    out[w + 1] = UInt8(0x80 | v >> 12 & 0x3F)
    out[w + 2] = UInt8(0x80 | v >> 6 & 0x3F)
    out[w + 3] = UInt8(0x80 | v & 0x3F)
    return w + 4
}

extension IndexedDoc {
    /// Room for the doc's row in a docs message (exact unless its strings need escapes).
    var estimatedJSONSize: Int {
        pageTitle.utf8.count + heading.utf8.count + breadcrumb.utf8.count + url.utf8.count + text.utf8.count + 24
    }
}
