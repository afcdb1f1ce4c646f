import Foundation
import HandbookSearch

/// The streamed search index's spill store. The first `memoryBudget` bytes stay in memory, each append in a
/// block of its own; the rest goes to a temporary file beside the output folder (on the same disk, not in a
/// RAM-backed /tmp), unlinked as soon as it is made so that nothing is left behind, whatever happens.
/// A handbook of a few thousand pages never touches the file (no system call per read or write); a larger
/// one keeps its memory bounded. Appends reserve their place under a lock and are copied or written with
/// `pwrite` outside it, from any thread. A read lies within the bytes of one append, as the index's are.
final class SpillFile: SpillStore, @unchecked Sendable {
    private let fd: Int32
    private let memoryBudget: Int
    private let lock = NSLock()
    private var end = 0
    /// Appends kept in memory: where each starts, in order, and its bytes. The file holds offsets from `fileStart` on.
    private var blockStarts: [Int] = []
    private var blocks: [UnsafeMutableRawBufferPointer] = []
    private var fileStart = Int.max

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
        for block in blocks { block.deallocate() }
    }

    /// Bytes kept in memory.
    var memoryBytes: Int { lock.withLock { min(end, fileStart) } }

    func append(_ bytes: UnsafeRawBufferPointer) -> Int? {
        // The block is filled before it is listed, so a reader never sees it half copied.
        var block: UnsafeMutableRawBufferPointer?
        if lock.withLock({ fileStart == Int.max }) {
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
            if let base = bytes.baseAddress { copy.baseAddress!.copyMemory(from: base, byteCount: bytes.count) }
            block = copy
        }
        let (offset, kept) = lock.withLock { () -> (Int, Bool) in
            defer { end += bytes.count }
            guard let block, fileStart == Int.max, end + bytes.count <= memoryBudget else {
                fileStart = min(fileStart, end)
                return (end, false)
            }
            blockStarts.append(end)
            blocks.append(block)
            return (end, true)
        }
        if kept { return offset }
        block?.deallocate()
        let fileOffset = offset - fileStart
        let written = Self.whole(bytes.count) { done in pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(fileOffset + done)) }
        return written ? offset : nil
    }

    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        let (block, start, fileBase) = lock.withLock { () -> (UnsafeMutableRawBufferPointer?, Int, Int) in
            guard offset < fileStart else { return (nil, 0, fileStart) }
            // The last block starting at or before `offset`.
            var low = 0, high = blockStarts.count
            while low < high {
                let middle = (low + high) / 2
                if blockStarts[middle] <= offset { low = middle + 1 } else { high = middle }
            }
            return low == 0 ? (nil, 0, fileStart) : (blocks[low - 1], blockStarts[low - 1], fileStart)
        }
        if let block {
            guard offset - start + buffer.count <= block.count else { return false }
            if buffer.count > 0 { buffer.baseAddress!.copyMemory(from: block.baseAddress! + (offset - start), byteCount: buffer.count) }
            return true
        }
        guard offset >= fileBase else { return false }
        return Self.whole(buffer.count) { done in pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset - fileBase + done)) }
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
