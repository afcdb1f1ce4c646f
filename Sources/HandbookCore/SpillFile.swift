import Foundation
import HandbookSearch

/// The streamed search index's spill store: a temporary file beside the output folder (on the same disk, not
/// in a RAM-backed /tmp), unlinked as soon as it is made so that nothing is left behind, whatever happens.
/// Appends reserve their place under a lock and are written with `pwrite` outside it, from any thread.
final class SpillFile: SpillStore, @unchecked Sendable {
    private let fd: Int32
    private let lock = NSLock()
    private var end = 0

    /// A new empty spill file in `directory`, or nil when none can be made there.
    init?(in directory: String) {
        var template = Array((directory + "/.handbook-index-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
    }

    deinit { close(fd) }

    func append(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let offset = lock.withLock {
            defer { end += bytes.count }
            return end
        }
        let written = Self.whole(bytes.count) { done in pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done)) }
        return written ? offset : nil
    }

    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        Self.whole(buffer.count) { done in pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done)) }
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
