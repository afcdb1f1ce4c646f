import Foundation

extension Array where Element: Sendable {
    /// Maps on all cores; the result keeps the input order.
    public func parallelMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        guard count > 1 else { return map(transform) }
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        nonisolated(unsafe) let output = results
        self.withUnsafeBufferPointer { input in
            nonisolated(unsafe) let input = input
            DispatchQueue.concurrentPerform(iterations: count) { index in
                output[index] = transform(input[index])
            }
        }
        return Array<T>.moveResults(results)
    }
}

extension Array where Element: Sendable {
    /// Like `parallelMap`, but moves each element out of the array before `transform` gets it. When the array
    /// was the only owner, every element (a page with its tree, say) is uniquely referenced inside `transform`,
    /// so changing it copies nothing, and the old value is freed as soon as `transform` is done with it
    /// instead of living on in the array until the whole map is over.
    public consuming func parallelMapConsuming<T: Sendable>(_ transform: @Sendable (consuming Element) -> T) -> [T] {
        let count = self.count
        guard count > 0 else { return [] }
        let input = UnsafeMutableBufferPointer<Element>.allocate(capacity: count)
        _ = input.initialize(fromContentsOf: self)
        self = []
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer {
            input.deallocate()
            results.deallocate()
        }
        nonisolated(unsafe) let (source, output) = (input, results)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            output[index] = transform((source.baseAddress! + index).move())
        }
        return Array<T>.moveResults(results)
    }
}

extension Array {
    /// Moves every result out of a fully initialized buffer (which is left uninitialized, ready to deallocate).
    /// Copying them out instead (`map { $0! }`) would leave one retain per element behind once the buffer is
    /// deallocated, and every page, tree and HTML string would live until the process exits.
    static func moveResults(_ buffer: UnsafeMutableBufferPointer<Element?>) -> [Element] {
        [Element](unsafeUninitializedCapacity: buffer.count) { output, initialized in
            for index in buffer.indices { (output.baseAddress! + index).initialize(to: (buffer.baseAddress! + index).move()!) }
            initialized = buffer.count
        }
    }
}

/// Work on a thread of its own while the caller goes on; `wait` gives its result (more than once if asked).
final class Background<T: Sendable>: @unchecked Sendable {
    private var result: T?
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> T) {
        Thread.detachNewThread { [self] in
            result = body()
            done.signal()
        }
    }

    func wait() -> T {
        done.wait()
        done.signal()
        return result!
    }
}
