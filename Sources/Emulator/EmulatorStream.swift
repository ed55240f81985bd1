import Synchronization

extension Emulator {
    /// Where a worker finds the input of samples `start..<start+count`: a pointer to their
    /// `count × inputSize` Doubles, either into the caller's data or into `scratch` (room for a block)
    /// after reading or converting them there. Called concurrently from the workers.
    public typealias InputSource = @Sendable (_ start: Int, _ count: Int, _ scratch: UnsafeMutablePointer<Double>) throws -> UnsafePointer<Double>

    /// Takes the output values of samples `start..<start + values.count / outputSize` (Double, as
    /// `run(input:samples:output:threads:)` writes them; the buffer is only valid during the call).
    /// Called concurrently from the workers, once per block, in no particular order.
    public typealias OutputSink = @Sendable (_ start: Int, _ values: UnsafeBufferPointer<Double>) throws -> Void

    /// Runs `samples` samples on `threads` workers (the calling thread one of them), in blocks of
    /// `blocks` samples (see `forEachBlock`): each worker reads a block's input through `input`,
    /// computes it and hands its output to `output` itself, so that reading, computing and writing
    /// all scale with the workers and no thread waits for another's order. Memory is bounded by
    /// the workers' buffers (one block each). The first `input` or `output` error stops every
    /// worker after its current block and is rethrown.
    public func run(samples: Int, threads: Int, blocks: ClosedRange<Int>, input: InputSource, output: OutputSink) throws {
        guard samples > 0 else { return }
        let largest = (max(blocks.upperBound, 1) + tile - 1) / tile * tile
        let inSize = inputSize, outSize = outputSize
        let failure = Mutex<(any Error)?>(nil)
        forEachBlock(samples: samples, threads: threads, blocks: blocks, worker: {
            BlockBuffers(arena: self.makeArena(), input: .allocate(capacity: largest * inSize),
                         output: .allocate(capacity: largest * outSize))
        }, done: { $0.deallocate() }) { range, buffers in
            do {
                let x = try input(range.lowerBound, range.count, buffers.input)
                self.runValues(range.count, input: x, output: buffers.output, arena: buffers.arena)
                try output(range.lowerBound, UnsafeBufferPointer(start: buffers.output, count: range.count * outSize))
                return true
            } catch {
                failure.withLock { if $0 == nil { $0 = error } }
                return false
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }
}

/// One worker's buffers in `Emulator.run(samples:threads:blocks:input:output:)`.
private struct BlockBuffers: @unchecked Sendable {  // owned by one worker thread
    let arena: UnsafeMutablePointer<Int64>
    let input: UnsafeMutablePointer<Double>
    let output: UnsafeMutablePointer<Double>

    func deallocate() {
        arena.deallocate()
        input.deallocate()
        output.deallocate()
    }
}
