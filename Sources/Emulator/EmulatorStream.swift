import Foundation
import Synchronization

extension Emulator {
    /// Where a worker finds the input of samples `start..<start+count`: a pointer to their
    /// `count × inputSize` Doubles, either into the caller's data or into `scratch` (room for a block)
    /// after converting them there. Called concurrently from the workers.
    public typealias InputSource = @Sendable (_ start: Int, _ count: Int, _ scratch: UnsafeMutablePointer<Double>) -> UnsafePointer<Double>

    /// Runs `samples` samples on `threads` worker threads and hands their output values (Double, as
    /// `run(input:samples:output:threads:)` writes them) to `sink` in order, `chunk` samples at a time,
    /// on the calling thread. The workers never wait for each other: they take blocks of samples from
    /// a shared counter across chunk boundaries and only pause when they are `ahead` chunks ahead of
    /// `sink` (so memory stays bounded). A `sink` error stops the workers and is rethrown.
    public func stream(samples: Int, threads: Int, chunk requested: Int, ahead: Int = 4, input: @escaping InputSource,
                       sink: (_ start: Int, _ values: UnsafeBufferPointer<Double>) throws -> Void) throws {
        guard samples > 0 else { return }
        let block = min(tile * 16, max(tile, requested))
        // Whole blocks per chunk, so a block never straddles two chunks.
        let chunk = (max(requested, block) + block - 1) / block * block
        let chunks = (samples + chunk - 1) / chunk
        let blocks = (samples + block - 1) / block
        let slots = max(2, ahead), outSize = outputSize
        let state = StreamState(slots: slots, slotValues: chunk * outSize)
        defer { state.deallocate() }
        // Blocks in chunk c (the last chunk may hold fewer).
        @Sendable func blocksIn(_ c: Int) -> Int { (min(samples, (c + 1) * chunk) - c * chunk + block - 1) / block }

        let workers = max(1, min(threads, blocks))
        let finished = DispatchSemaphore(value: 0)
        let inSize = inputSize
        for w in 0..<workers {
            let thread = Thread {
                let arena = self.makeArena()
                let scratch = UnsafeMutablePointer<Double>.allocate(capacity: block * inSize)
                defer {
                    arena.deallocate()
                    scratch.deallocate()
                    finished.signal()
                }
                while true {
                    let b = state.next.wrappingAdd(1, ordering: .relaxed).oldValue
                    if b >= blocks { return }
                    let first = b * block, c = first / chunk
                    guard state.waitForSlot(chunk: c) else { return }
                    let n = min(block, samples - first)
                    let x = input(first, n, scratch)
                    self.runValues(n, input: x, output: state.slot(c) + (first - c * chunk) * outSize, arena: arena)
                    state.blockDone(chunk: c, blocksInChunk: blocksIn(c))
                }
            }
            thread.name = "fpgarun.emulator-\(w)"
            thread.start()
        }
        defer { for _ in 0..<workers { finished.wait() } }
        for c in 0..<chunks {
            state.waitForChunk(c, blocksInChunk: blocksIn(c))
            let n = min(chunk, samples - c * chunk)
            do {
                try sink(c * chunk, UnsafeBufferPointer(start: state.slot(c), count: n * outSize))
            } catch {
                state.cancel()
                throw error
            }
            state.chunkWritten()
        }
    }
}

/// The shared state of `Emulator.stream`: a ring of output slots, one chunk each, with the count of
/// finished blocks per slot, under one condition variable.
private final class StreamState: @unchecked Sendable {
    // @unchecked: `done`, `written` and `cancelled` are only touched under `condition`; a slot's
    // values are written by the workers (disjoint blocks) before they report the block done, and read
    // by the sink after every block of the chunk is reported, both ordered by the lock.
    let next = Atomic<Int>(0)
    private let condition = NSCondition()
    private let values: UnsafeMutablePointer<Double>
    private let slotValues: Int
    private let slots: Int
    private var done: [Int]
    private var written = 0
    private var cancelled = false

    init(slots: Int, slotValues: Int) {
        self.slots = slots
        self.slotValues = slotValues
        values = .allocate(capacity: slots * slotValues)
        values.initialize(repeating: 0, count: slots * slotValues)
        done = [Int](repeating: 0, count: slots)
    }

    func deallocate() { values.deallocate() }

    /// The output values of chunk c.
    func slot(_ c: Int) -> UnsafeMutablePointer<Double> { values + (c % slots) * slotValues }

    /// Waits until chunk c's slot is free (the sink has taken chunk c - slots); false once cancelled.
    func waitForSlot(chunk c: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while c >= written + slots && !cancelled { condition.wait() }
        return !cancelled
    }

    func blockDone(chunk c: Int, blocksInChunk: Int) {
        condition.lock()
        done[c % slots] += 1
        if done[c % slots] == blocksInChunk { condition.broadcast() }
        condition.unlock()
    }

    func waitForChunk(_ c: Int, blocksInChunk: Int) {
        condition.lock()
        while done[c % slots] < blocksInChunk { condition.wait() }
        condition.unlock()
    }

    func chunkWritten() {
        condition.lock()
        done[written % slots] = 0
        written += 1
        condition.broadcast()
        condition.unlock()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
