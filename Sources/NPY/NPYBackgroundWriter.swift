import Dispatch
import Synchronization

/// Double-buffered appends to an `NPYStreamWriter` on a background queue: the caller fills one
/// buffer while the other is being written, so producing the next chunk overlaps writing the last.
/// Appends happen in order; the first write error is thrown by the next `append` or by `commit`.
public final class NPYBackgroundWriter: @unchecked Sendable {
    // @unchecked: `writer` is used only on `queue` until `commit`, which first waits for the queue;
    // each buffer is owned by the caller or by one queued write, handed over through its semaphore.
    private let writer: NPYStreamWriter
    private let queue = DispatchQueue(label: "fpgarun.npy-writer")
    private let buffers: [UnsafeMutableBufferPointer<Double>]
    private let free: [DispatchSemaphore]
    private let failure = Mutex<(any Error)?>(nil)
    private var next = 0

    /// Writes through `writer`, in buffers of `capacity` values.
    public init(_ writer: NPYStreamWriter, capacity: Int) {
        self.writer = writer
        buffers = (0..<2).map { _ in
            let b = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, capacity))
            b.initialize(repeating: 0)
            return b
        }
        free = [DispatchSemaphore(value: 1), DispatchSemaphore(value: 1)]
    }

    deinit {
        // Let queued writes finish with their buffers before freeing them.
        queue.sync {}
        for b in buffers { b.deallocate() }
    }

    /// Lets `fill` write up to `capacity` values into a free buffer; returns the count it wrote,
    /// which is then appended in the background.
    public func append(_ fill: (UnsafeMutableBufferPointer<Double>) throws -> Int) throws {
        let k = next
        free[k].wait()
        if let e = failure.withLock({ $0 }) {
            free[k].signal()
            throw e
        }
        let count: Int
        do {
            count = try fill(buffers[k])
        } catch {
            free[k].signal()
            throw error
        }
        precondition(count >= 0 && count <= buffers[k].count, "fill wrote more than the buffer holds")
        // Handed to the queue: the caller does not touch this buffer until its semaphore is signalled.
        nonisolated(unsafe) let buffer = UnsafeBufferPointer(rebasing: buffers[k][0..<count])
        queue.async {
            do {
                if self.failure.withLock({ $0 }) == nil { try self.writer.append(buffer) }
            } catch {
                self.failure.withLock { $0 = $0 ?? error }
            }
            self.free[k].signal()
        }
        next = 1 - k
    }

    /// Waits for every queued write, then commits the file (or throws the first write error).
    public func commit() throws {
        queue.sync {}
        if let e = failure.withLock({ $0 }) { throw e }
        try writer.commit()
    }
}
