import Foundation
import HandbookSearch

/// The streamed search index's spill store. Appends stay in memory, each in a block of its own, while the bytes
/// held in memory are within `memoryBudget`; the others go to a temporary file beside the output folder (on the
/// same disk, not in a RAM-backed /tmp), unlinked as soon as it is made so that nothing is left behind, whatever
/// happens. A released append's block is freed and its room counts for later appends again: the index's
/// tokens are released once its entries are made, and the entries once they are grouped by shard, so a
/// handbook of a few thousand pages never touches the file (no system call per read or write) and a larger one
/// keeps its memory bounded. Appends reserve their place under a lock and are copied or written with `pwrite`
/// outside it, from any thread. A read lies within the bytes of one append, as the index's are.
final class SpillFile: SpillStore, @unchecked Sendable {
    private let fd: Int32
    private let memoryBudget: Int
    private let lock = NSLock()
    /// The next append's offset, and the file's length.
    private var end = 0
    private var fileEnd = 0
    /// Bytes in memory now (released blocks no longer count).
    private var held = 0
    /// Every append, by its offset: in memory (`block`) or at `fileOffset` in the file.
    private var extents: [Extent] = []

    private struct Extent {
        var start: Int
        var count: Int
        var block: UnsafeMutableRawBufferPointer?
        var fileOffset: Int
    }

    /// A new empty spill store whose file is in `directory`, or nil when none can be made there.
    init?(in directory: String, memoryBudget: Int = 0) {
        var template = Array((directory + "/.handbook-index-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
        self.memoryBudget = memoryBudget
    }

    deinit {
        close(fd)
        for extent in extents { extent.block?.deallocate() }
    }

    /// Bytes held in memory now.
    var memoryBytes: Int { lock.withLock { held } }

    /// Bytes written to the file so far.
    var fileBytes: Int { lock.withLock { fileEnd } }

    func append(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let (offset, fileOffset) = lock.withLock { () -> (Int, Int?) in
            defer { end += bytes.count }
            if held + bytes.count <= memoryBudget {
                held += bytes.count
                return (end, nil)
            }
            defer { fileEnd += bytes.count }
            return (end, fileEnd)
        }
        if bytes.count == 0 { return offset }  // nothing to list: a read of no bytes needs no extent
        var extent = Extent(start: offset, count: bytes.count, block: nil, fileOffset: fileOffset ?? 0)
        if let fileOffset {
            let written = Self.whole(bytes.count) { done in pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(fileOffset + done)) }
            guard written else { return nil }
        } else {
            // The block is filled before it is listed, so a reader never sees it half copied.
            let block = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
            if let base = bytes.baseAddress { block.baseAddress!.copyMemory(from: base, byteCount: bytes.count) }
            extent.block = block
        }
        lock.withLock {
            // Appends are listed in order of offset; one finished late goes back to its place.
            var index = extents.count
            while index > 0 && extents[index - 1].start > offset { index -= 1 }
            extents.insert(extent, at: index)
        }
        return offset
    }

    /// The extent holding `offset`: the last one starting at or before it.
    private func extent(holding offset: Int) -> Int? {
        var low = 0, high = extents.count
        while low < high {
            let middle = (low + high) / 2
            if extents[middle].start <= offset { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : low - 1
    }

    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        if buffer.count == 0 { return offset >= 0 && offset <= lock.withLock { end } }
        // (A released extent has no bytes left to read.)
        guard let extent = lock.withLock({ extent(holding: offset).map { extents[$0] } }),
              offset - extent.start + buffer.count <= extent.count else { return false }
        if let block = extent.block {
            buffer.baseAddress!.copyMemory(from: block.baseAddress! + (offset - extent.start), byteCount: buffer.count)
            return true
        }
        let at = extent.fileOffset + (offset - extent.start)
        return Self.whole(buffer.count) { done in pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(at + done)) }
    }

    func release(_ offset: Int) {
        let block = lock.withLock { () -> UnsafeMutableRawBufferPointer? in
            guard let index = extent(holding: offset), extents[index].start == offset, extents[index].count > 0 else { return nil }
            let block = extents[index].block
            if block != nil { held -= extents[index].count }
            // Nothing can be read from it any more (count 0), in memory or in the file.
            extents[index].block = nil
            extents[index].count = 0
            return block
        }
        block?.deallocate()
    }

    /// Repeats `io` (a pread or pwrite of what is left, from byte `done` on) until `count` bytes are through,
    /// again after an interruption; false on an error, a full disk or the end of the file.
    private static func whole(_ count: Int, _ io: (_ done: Int) -> Int) -> Bool {
        var done = 0
        while done < count {
            let n = io(done)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            done += n
        }
        return true
    }
}
