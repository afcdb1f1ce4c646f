// Interned word units (letters/digits, or the Arabic value of a Chinese numeral run) as UTF-8 bytes.

/// Words numbered in order of first appearance, kept as UTF-8 in one buffer.
struct WordTable {
    /// All words' bytes, one after another.
    private(set) var bytes: [UInt8] = []
    /// Word `id` is `bytes[ends[id - 1]..<ends[id]]` (from 0 for the first).
    private(set) var ends: [Int] = []
    /// Content hash of each word: the same word has the same hash in every table.
    private(set) var hashes: [UInt64] = []
    /// Open addressing: word id + 1 by slot, 0 when free.
    private var slots = [Int32](repeating: 0, count: 64)

    var count: Int { ends.count }

    func range(_ id: Int) -> Range<Int> { (id == 0 ? 0 : ends[id - 1])..<ends[id] }

    func string(_ id: Int) -> String { String(decoding: bytes[range(id)], as: UTF8.self) }

    static func hash(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in word { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }

    /// The id of `word`, adding it when new.
    mutating func intern(_ word: UnsafeBufferPointer<UInt8>) -> UInt32 {
        intern(word, hash: WordTable.hash(word))
    }

    mutating func intern(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64) -> UInt32 {
        if count * 2 >= slots.count { grow() }
        let mask = slots.count - 1
        var i = slotIndex(hash)
        while true {
            let s = Int(slots[i])
            if s == 0 { break }
            if hashes[s - 1] == hash && bytes[range(s - 1)].elementsEqual(word) { return UInt32(s - 1) }
            i = (i + 1) & mask
        }
        let id = count
        bytes.append(contentsOf: word)
        ends.append(bytes.count)
        hashes.append(hash)
        slots[i] = Int32(id + 1)
        return UInt32(id)
    }

    /// Top bits of hash × golden ratio (FNV's low bits mix poorly).
    private func slotIndex(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - slots.count.trailingZeroBitCount))
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for id in 0..<count {
            var i = slotIndex(hashes[id])
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = Int32(id + 1)
        }
    }

    /// Adds the words of `other` not yet here, in `other`'s order; returns each one's id in this table.
    mutating func merge(_ other: WordTable) -> [UInt32] {
        other.bytes.withUnsafeBufferPointer { all in
            (0..<other.count).map { id in
                let r = other.range(id)
                return intern(UnsafeBufferPointer(rebasing: all[r]), hash: other.hashes[id])
            }
        }
    }
}

extension WordTable {
    /// Calls `body` with each Unicode scalar value of the token `key` (its units: CJK scalars, or
    /// `SearchIndex.wordBase` + an id in this table).
    @inline(__always)
    func forEachScalar(ofKey key: UInt64, _ body: (UInt32) -> Void) {
        forEachScalar(ofUnit: key >> 32, body)
        if key & SearchIndex.noUnit != SearchIndex.noUnit { forEachScalar(ofUnit: key & SearchIndex.noUnit, body) }
    }

    @inline(__always)
    private func forEachScalar(ofUnit u: UInt64, _ body: (UInt32) -> Void) {
        if u < UInt64(SearchIndex.wordBase) { return body(UInt32(u)) }
        let range = self.range(Int(u - UInt64(SearchIndex.wordBase)))
        bytes.withUnsafeBufferPointer { p in
            var i = range.lowerBound
            while i < range.upperBound {
                let (v, length) = utf8Scalar(p, i)
                body(v)
                i += length
            }
        }
    }
}
