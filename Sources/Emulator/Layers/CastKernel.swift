import FixedPoint
import Graph

/// Copies its input, converting each value to the result format (Reshape/Flatten move no data in
/// C order; when the formats are equal the cast is the identity).
struct CastKernel: LayerKernel {
    let cast: FixedCast
    let size: Int

    static func make(_ ctx: KernelContext) throws -> any LayerKernel {
        CastKernel(cast: FixedCast(from: ctx.inputFormat, to: ctx.resultFormat), size: ctx.node.size)
    }

    func scratchCount(batch: Int) -> Int { 0 }

    func run(batch: Int, inputs: UnsafePointer<UnsafePointer<Int64>>, output: UnsafeMutablePointer<Int64>,
             scratch: UnsafeMutablePointer<Int64>) {
        let x = inputs[0]
        for i in 0..<(batch * size) { output[i] = cast.apply(x[i]) }
    }
}
