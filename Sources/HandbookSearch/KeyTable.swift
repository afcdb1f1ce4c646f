// Open-addressed hash table from token key to a UInt32, for phase two of indexing. A Dictionary
// hashes with SipHash and keeps its storage behind reference counting; this one multiplies and shifts
// and probes linearly in flat buffers.

struct KeyTable: ~Copyable {
    /// Keys by slot; 0 marks a free slot (no token key is 0: every unit key is at least 1).
    private var keys: UnsafeMutablePointer<UInt64>
    private(set) var values: UnsafeMutablePointer<UInt32>
    private var count = 0
    private var capacity: Int
    /// 64 − log2(capacity): the hash is the top bits of key × golden ratio.
    private var shift: UInt64

    init(capacity: Int) {
        var c = 16
        while c < capacity { c <<= 1 }
        self.capacity = c
        shift = UInt64(64 - c.trailingZeroBitCount)
        keys = .allocate(capacity: c)
        keys.initialize(repeating: 0, count: c)
        values = .allocate(capacity: c)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    /// The slot holding `key`, and whether it was just inserted (its value is then unset).
    @inline(__always)
    mutating func slot(_ key: UInt64) -> (slot: Int, inserted: Bool) {
        if count * 2 >= capacity { grow() }
        let mask = capacity - 1
        var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) &>> shift)
        while true {
            let k = keys[i]
            if k == key { return (i, false) }
            if k == 0 {
                keys[i] = key
                count += 1
                return (i, true)
            }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values, oldCapacity = capacity
        capacity *= 2
        shift -= 1
        keys = .allocate(capacity: capacity)
        keys.initialize(repeating: 0, count: capacity)
        values = .allocate(capacity: capacity)
        count = 0
        for s in 0..<oldCapacity where oldKeys[s] != 0 {
            values[slot(oldKeys[s]).slot] = oldValues[s]
        }
        oldKeys.deallocate()
        oldValues.deallocate()
    }
}
