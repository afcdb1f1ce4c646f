import Synchronization

// The same index files as `SearchIndexBuilder.build`, byte for byte, built while the pages stream and with
// memory that does not grow with the handbook.
//
// Pages hand over their sections as they finish, in any order; the sections are put back in page order and
// every `chunkSize` of them are tokenised at once (phase one, `ChunkIndexer`). A chunk's docs files are written
// straight away, and its tokens and postings go to a `SpillStore` (a temporary file in the build), one segment
// per partition. At the end:
// 1. the chunks' word tables are merged (word ids by first appearance, as in memory);
// 2. each partition is put together from its segments (phase two, as `PartitionTokens` does), and its
//    `"token":"postings"` entries, in key order, go back to the store; their sizes fix the number of token
//    shards, as `IndexEmitter.emit` computes it;
// 3. each partition's entries are grouped by token shard and stored again;
// 4. each token shard gathers its groups from the 256 partitions, orders them by key and is written.
// At any time only a chunk per core, or a partition or a shard per core, is in memory, plus the merged
// word table (which grows with the handbook's distinct Latin words and numbers, not its length).
// An index of at most `shardThreshold` sections is one file: those sections are simply kept and indexed
// at the end in memory.

/// Where the streamed index keeps its intermediate data. The module does no I/O: the caller provides it.
public protocol SpillStore: Sendable {
    /// Appends `bytes` (from any thread) and returns where they start, or nil when they could not be stored.
    func append(_ bytes: UnsafeRawBufferPointer) -> Int?
    /// Fills `buffer` with the bytes stored at `offset`; false when they cannot be read.
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) -> Bool
    /// The append that returned `offset`, of at least one byte, will not be read again: the store may reuse
    /// its room (later appends then stay in memory instead of going to a file). Not called while it is being read.
    func release(_ offset: Int)
}

extension SpillStore {
    public func release(_ offset: Int) {}
}

/// A spill store in memory, for tests and small indexes. It keeps what is released, but refuses to read it
/// back (and to read across appends), so that tests see a read after a release.
public final class MemorySpillStore: SpillStore {
    private struct State {
        var bytes: [UInt8] = []
        /// Where each append starts, in order, and whether it was released.
        var starts: [Int] = []
        var released: [Bool] = []

        /// The append holding `offset`.
        func append(holding offset: Int) -> Int? {
            var low = 0, high = starts.count
            while low < high {
                let middle = (low + high) / 2
                if starts[middle] <= offset { low = middle + 1 } else { high = middle }
            }
            return low == 0 ? nil : low - 1
        }
    }

    private let state = Mutex(State())

    public init() {}

    /// Bytes stored so far.
    public var size: Int { state.withLock { $0.bytes.count } }

    /// Appends released so far.
    public var releasedCount: Int { state.withLock { $0.released.filter { $0 }.count } }

    public func append(_ more: UnsafeRawBufferPointer) -> Int? {
        state.withLock { s in
            defer { s.bytes.append(contentsOf: more) }
            s.starts.append(s.bytes.count)
            s.released.append(false)
            return s.bytes.count
        }
    }

    public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        state.withLock { s in
            guard offset >= 0, offset + buffer.count <= s.bytes.count else { return false }
            if buffer.count > 0 {
                guard let a = s.append(holding: offset), !s.released[a],
                      offset + buffer.count <= (a + 1 < s.starts.count ? s.starts[a + 1] : s.bytes.count) else { return false }
            }
            s.bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + buffer.count)])) }
            return true
        }
    }

    public func release(_ offset: Int) {
        state.withLock { s in
            guard let a = s.append(holding: offset), s.starts[a] == offset else { return }
            s.released[a] = true
        }
    }
}

/// The spill store failed: the index was not written.
public struct SearchIndexSpillError: Error, Sendable {
    public var message: String
}

public final class SearchIndexStream: Sendable {
    public let shardThreshold: Int
    public let maxTextLength: Int
    /// Sections tokenised at once: a multiple of the docs files' 64 sections, at most 4096.
    public let chunkSize: Int
    private let store: any SpillStore
    private let write: @Sendable (String, String) -> Void
    /// Token shards, made as UTF-8 bytes (valid: built from strings), written without becoming Strings.
    private let writeUTF8: @Sendable (String, [UInt8]) -> Void
    private let state = Mutex(State())

    /// A partition's tokens of one chunk in the store: `tokens` keys (UInt64, chunk-local word ids), each
    /// token's number of postings (UInt32), then the postings (UInt16, grouped by token).
    struct Segment {
        var offset: Int
        var tokens: Int
        var postings: Int
        var bytes: Int { tokens * 12 + postings * 2 }
    }

    struct Chunk {
        var words: WordTable
        var firstSection: Int
        var segments: [Segment]
        /// Where the chunk's one append starts (its first segment's offset), and its size.
        var base: Int { segments[0].offset }
        var bytes: Int { segments.reduce(0) { $0 + $1.bytes } }
    }

    struct Job {
        var number: Int
        var firstSection: Int
        var sections: [SearchSection]
    }

    struct State {
        /// Parts that came before an earlier one.
        var waiting: [Int: [SearchSection]] = [:]
        var nextPart = 0
        /// Sections in order, not yet given to a chunk.
        var pending: [SearchSection] = []
        var count = 0
        var chunked = 0
        /// Chunks by number; nil while being tokenised, and after that when the store failed.
        var chunks: [Chunk?] = []

        mutating func takeChunk(_ n: Int) -> Job {
            let job = Job(number: chunks.count, firstSection: chunked, sections: Array(pending.prefix(n)))
            pending.removeFirst(n)
            chunks.append(nil)
            chunked += n
            return job
        }
    }

    /// `write` gets each file (path relative to the site root, contents) as soon as it is made, from any thread;
    /// `writeUTF8`, when given, gets the token shards as UTF-8 bytes instead (otherwise `write` gets them as text).
    public init(shardThreshold: Int = SearchIndexBuilder.defaultShardThreshold,
                maxTextLength: Int = SearchIndexBuilder.defaultMaxTextLength,
                chunkSize: Int = 1024, store: any SpillStore, write: @escaping @Sendable (String, String) -> Void,
                writeUTF8: (@Sendable (String, [UInt8]) -> Void)? = nil) {
        precondition(chunkSize > 0 && chunkSize % IndexEmitter.docShardSize == 0 && chunkSize <= 4096)
        self.shardThreshold = shardThreshold
        self.maxTextLength = maxTextLength
        self.chunkSize = chunkSize
        self.store = store
        self.write = write
        self.writeUTF8 = writeUTF8 ?? { path, bytes in write(path, String(decoding: bytes, as: UTF8.self)) }
    }

    /// Hands over part `part`'s sections (parts are numbered 0, 1, 2 … in document order, each given once,
    /// empty ones too). From any thread; tokenises a chunk on the calling thread when one is complete.
    public func add(part: Int, _ sections: [SearchSection]) {
        let jobs = state.withLock { s -> [Job] in
            s.waiting[part] = sections
            while let next = s.waiting.removeValue(forKey: s.nextPart) {
                s.pending += next
                s.count += next.count
                s.nextPart += 1
            }
            var jobs: [Job] = []
            while s.count > shardThreshold && s.pending.count >= chunkSize { jobs.append(s.takeChunk(chunkSize)) }
            return jobs
        }
        for job in jobs { index(job) }
    }

    /// Writes the rest of the index once every part is in; returns every file's path, in
    /// `SearchIndexBuilder.build`'s order.
    public func finish() throws(SearchIndexSpillError) -> [String] {
        let (kept, jobs) = state.withLock { s -> ([SearchSection]?, [Job]) in
            precondition(s.waiting.isEmpty, "a part is missing")
            if s.chunks.isEmpty && s.count <= shardThreshold { return (s.pending, []) }
            var jobs: [Job] = []
            while !s.pending.isEmpty { jobs.append(s.takeChunk(min(chunkSize, s.pending.count))) }
            return (nil, jobs)
        }
        if let kept {
            return SearchIndexBuilder.build(kept, shardThreshold: shardThreshold, maxTextLength: maxTextLength, write: write)
        }
        _ = concurrentMap(jobs.count) { index(jobs[$0]) }
        // Every chunk is tokenised by now: one still missing could not be stored.
        let (taken, count) = state.withLock { s in (s.chunks, s.count) }
        guard !taken.contains(where: { $0 == nil }) else { throw Self.storeFailed }
        var chunks = taken.map { $0! }

        // 1. Word ids by first appearance over all sections: chunk by chunk, each in its own order.
        var words = WordTable()
        let wordIds = chunks.indices.map { c in words.merge(chunks[c].words) }
        for c in chunks.indices { chunks[c].words = WordTable() }

        // 2. Each partition's entries, in key order, into the store; their total size fixes the shard count.
        let partitions = concurrentMap(SearchIndex.partitionCount) { p in
            Self.storeEntries(of: p, chunks: chunks, wordIds: wordIds, words: words, store: store)
        }
        guard !partitions.contains(where: { $0 == nil }) else { throw Self.storeFailed }
        // The chunks' tokens are all read: their room in memory can take the entries' groups.
        for chunk in chunks where chunk.bytes > 0 { store.release(chunk.base) }
        let ts = IndexEmitter.tokenShards(total: partitions.reduce(0) { $0 + $1!.total })

        // 3. Each partition's entries grouped by shard.
        let groups = concurrentMap(SearchIndex.partitionCount) { p in Self.storeGroups(partitions[p]!, tokenShards: ts, store: store) }
        guard !groups.contains(where: { $0 == nil }) else { throw Self.storeFailed }

        // 4. The token shards, and the header.
        let written = concurrentMap(ts) { f -> Bool in
            guard let file = Self.shardFile(f, groups: groups.map { $0![f] }, store: store) else { return false }
            writeUTF8(file.path, file.contents)
            return true
        }
        guard !written.contains(false) else { throw Self.storeFailed }
        let header = IndexEmitter.shardedHeader(count: count, tokenShards: ts)
        write(header.path, header.contents)
        let dn = (count + IndexEmitter.docShardSize - 1) / IndexEmitter.docShardSize
        return [header.path] + (0..<ts).map(IndexEmitter.shardPath) + (0..<dn).map(IndexEmitter.docsPath)
    }

    static let storeFailed = SearchIndexSpillError(message: "the search index's temporary data could not be written or read back")

    /// Phase one for a chunk: its docs files are written, its tokens stored.
    private func index(_ job: Job) {
        let n = job.sections.count
        var tokens: ChunkTokens?
        let docs = [IndexedDoc](unsafeUninitializedCapacity: n) { buffer, initialized in
            tokens = ChunkIndexer.index(job.sections[...], firstSection: job.firstSection, maxTextLength: maxTextLength,
                                        docs: buffer.baseAddress!)
            initialized = n
        }
        let size = IndexEmitter.docShardSize
        for lo in stride(from: 0, to: n, by: size) {
            let file = IndexEmitter.docsFile(docs[lo..<min(n, lo + size)], number: (job.firstSection + lo) / size,
                                             offset: job.firstSection + lo)
            write(file.path, file.contents)
        }
        let chunk = Self.store(tokens!, in: store)
        state.withLock { $0.chunks[job.number] = chunk }
    }

    /// A chunk's tokens, partition after partition, as one piece in the store.
    private static func store(_ t: ChunkTokens, in store: any SpillStore) -> Chunk? {
        var segments: [Segment] = []
        let size = t.keys.count * 12 + t.postings.count * 2
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            let out = UnsafeMutableRawBufferPointer(buffer)
            var w = 0
            t.postings.withUnsafeBytes { postings in
                for p in 0..<SearchIndex.partitionCount {
                    let ids = t.partitionTokens[t.partitionStarts[p]..<t.partitionStarts[p + 1]]
                    segments.append(Segment(offset: w, tokens: ids.count, postings: t.partitionPostings[p]))
                    for id in ids {
                        out.storeBytes(of: t.keys[Int(id)], toByteOffset: w, as: UInt64.self)
                        w += 8
                    }
                    for id in ids {
                        out.storeBytes(of: UInt32(t.postingStarts[Int(id) + 1] - t.postingStarts[Int(id)]), toByteOffset: w, as: UInt32.self)
                        w += 4
                    }
                    for id in ids {
                        let run = t.postingStarts[Int(id)] * 2..<t.postingStarts[Int(id) + 1] * 2
                        UnsafeMutableRawBufferPointer(rebasing: out[w..<(w + run.count)]).copyMemory(from: UnsafeRawBufferPointer(rebasing: postings[run]))
                        w += run.count
                    }
                }
            }
            initialized = w
        }
        guard let base = bytes.withUnsafeBytes({ store.append($0) }) else { return nil }
        for i in segments.indices { segments[i].offset += base }
        return Chunk(words: t.words, firstSection: t.firstSection, segments: segments)
    }

    /// `count` bytes from the store.
    private static func read(_ offset: Int, _ count: Int, from store: any SpillStore) -> [UInt8]? {
        var ok = false
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            ok = store.read(at: offset, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
        return ok ? bytes : nil
    }

    /// A partition's entries in the store: for each token in key order, its key (UInt64), shard hash
    /// (UInt32), entry length (UInt32) and entry bytes.
    struct StoredEntries {
        var offset: Int
        var bytes: Int
        /// Σ (entry length + 1), as `IndexEmitter.TokenEntries.total` counts.
        var total: Int
    }

    /// Phase two for partition `p` from the chunks' stored segments (as `PartitionTokens`), then its entries.
    private static func storeEntries(of p: Int, chunks: [Chunk], wordIds: [[UInt32]], words: WordTable,
                                     store: any SpillStore) -> StoredEntries? {
        var segments: [[UInt8]] = []
        segments.reserveCapacity(chunks.count)
        for chunk in chunks {
            let segment = chunk.segments[p]
            guard let bytes = read(segment.offset, segment.bytes, from: store) else { return nil }
            segments.append(bytes)
        }
        var merged = PartitionKeys()
        var tokenOf: [UInt32] = []
        tokenOf.reserveCapacity(chunks.reduce(0) { $0 + $1.segments[p].tokens })
        for (c, chunk) in chunks.enumerated() {
            let n = chunk.segments[p].tokens
            wordIds[c].withUnsafeBufferPointer { ids in
                segments[c].withUnsafeBytes { raw in
                    for t in 0..<n {
                        tokenOf.append(merged.add(SearchIndex.renumber(raw.loadUnaligned(fromByteOffset: 8 * t, as: UInt64.self), ids),
                                                  postings: Int(raw.loadUnaligned(fromByteOffset: 8 * n + 4 * t, as: UInt32.self))))
                    }
                }
            }
        }
        let keys = merged.keys, counts = merged.counts
        var starts = [Int](repeating: 0, count: keys.count + 1)
        for g in 0..<keys.count { starts[g + 1] = starts[g] + counts[g] }
        var fill = starts
        var k = 0
        let postings = [UInt32](unsafeUninitializedCapacity: starts[keys.count]) { out, initialized in
            for (c, chunk) in chunks.enumerated() {
                let n = chunk.segments[p].tokens
                let offset = UInt32(chunk.firstSection) << 4
                segments[c].withUnsafeBytes { raw in
                    var j = 12 * n
                    for t in 0..<n {
                        let g = Int(tokenOf[k])
                        let run = Int(raw.loadUnaligned(fromByteOffset: 8 * n + 4 * t, as: UInt32.self))
                        for i in 0..<run { out[fill[g] + i] = offset + UInt32(raw.loadUnaligned(fromByteOffset: j + 2 * i, as: UInt16.self)) }
                        fill[g] += run
                        j += 2 * run
                        k += 1
                    }
                }
                segments[c] = []
            }
            initialized = starts[keys.count]
        }
        let (sorted, order) = SearchIndex.ascending(keys)
        var total = 0
        let bound = keys.indices.reduce(0) { $0 + 16 + IndexEmitter.entryBound(postings: counts[$1]) }
        let entries = [UInt8](unsafeUninitializedCapacity: bound) { out, initialized in
            let raw = UnsafeMutableRawBufferPointer(out)
            var w = 0
            postings.withUnsafeBufferPointer { postings in
                for (r, key) in sorted.enumerated() {
                    let g = Int(order[r])
                    let (end, hash) = IndexEmitter.writeEntry(key, UnsafeBufferPointer(rebasing: postings[starts[g]..<starts[g + 1]]),
                                                              words: words, to: out, at: w + 16)
                    raw.storeBytes(of: key, toByteOffset: w, as: UInt64.self)
                    raw.storeBytes(of: hash, toByteOffset: w + 8, as: UInt32.self)
                    raw.storeBytes(of: UInt32(end - w - 16), toByteOffset: w + 12, as: UInt32.self)
                    total += end - w - 16 + 1
                    w = end
                }
            }
            initialized = w
        }
        guard let offset = entries.withUnsafeBytes({ store.append($0) }) else { return nil }
        return StoredEntries(offset: offset, bytes: entries.count, total: total)
    }

    /// A partition's entries of one token shard in the store: for each token in key order, its key (UInt64),
    /// entry length (UInt32) and entry bytes.
    struct Group {
        var offset = 0
        var bytes = 0
    }

    /// A partition's stored entries grouped by token shard (in key order within each), stored again.
    private static func storeGroups(_ stored: StoredEntries, tokenShards ts: Int, store: any SpillStore) -> [Group]? {
        guard let entries = read(stored.offset, stored.bytes, from: store) else { return nil }
        if stored.bytes > 0 { store.release(stored.offset) }
        var groups = [Group](repeating: Group(), count: ts)
        var positions: [(start: Int, shard: Int)] = []
        entries.withUnsafeBytes { raw in
            var r = 0
            while r < raw.count {
                let shard = Int(raw.loadUnaligned(fromByteOffset: r + 8, as: UInt32.self) % UInt32(ts))
                let length = Int(raw.loadUnaligned(fromByteOffset: r + 12, as: UInt32.self))
                positions.append((r, shard))
                groups[shard].bytes += 12 + length
                r += 16 + length
            }
        }
        var fill = [Int](repeating: 0, count: ts)
        for f in 1..<max(ts, 1) { fill[f] = fill[f - 1] + groups[f - 1].bytes }
        for f in 0..<ts { groups[f].offset = fill[f] }
        let size = stored.bytes - 4 * positions.count
        let grouped = [UInt8](unsafeUninitializedCapacity: size) { out, initialized in
            let to = UnsafeMutableRawBufferPointer(out)
            entries.withUnsafeBytes { raw in
                for (start, shard) in positions {
                    let length = Int(raw.loadUnaligned(fromByteOffset: start + 12, as: UInt32.self))
                    let w = fill[shard]
                    to.storeBytes(of: raw.loadUnaligned(fromByteOffset: start, as: UInt64.self), toByteOffset: w, as: UInt64.self)
                    to.storeBytes(of: UInt32(length), toByteOffset: w + 8, as: UInt32.self)
                    UnsafeMutableRawBufferPointer(rebasing: to[(w + 12)..<(w + 12 + length)])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[(start + 16)..<(start + 16 + length)]))
                    fill[shard] = w + 12 + length
                }
            }
            initialized = size
        }
        guard let base = grouped.withUnsafeBytes({ store.append($0) }) else { return nil }
        for f in 0..<ts { groups[f].offset += base }
        return groups
    }

    /// Token shard `f`'s file from its group in every partition: `IndexEmitter.emit`'s shard file.
    private static func shardFile(_ f: Int, groups: [Group], store: any SpillStore) -> (path: String, contents: [UInt8])? {
        var buffers: [[UInt8]] = []
        var entries: [(key: UInt64, buffer: Int, start: Int, length: Int)] = []
        for group in groups where group.bytes > 0 {
            guard let bytes = read(group.offset, group.bytes, from: store) else { return nil }
            bytes.withUnsafeBytes { raw in
                var r = 0
                while r < raw.count {
                    let length = Int(raw.loadUnaligned(fromByteOffset: r + 8, as: UInt32.self))
                    entries.append((raw.loadUnaligned(fromByteOffset: r, as: UInt64.self), buffers.count, r + 12, length))
                    r += 12 + length
                }
            }
            buffers.append(bytes)
        }
        entries.sort { $0.key < $1.key }
        return IndexEmitter.shardFileUTF8(f, count: entries.count, bytes: entries.reduce(0) { $0 + $1.length }) { n, write in
            let e = entries[n]
            buffers[e.buffer].withUnsafeBytes { write(UnsafeRawBufferPointer(rebasing: $0[e.start..<(e.start + e.length)])) }
        }
    }
}
