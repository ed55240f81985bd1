import FixedPoint
import Graph

/// One layer compiled for execution on raw fixed-point integers.
///
/// Values are raw two's-complement integers (value = raw · 2^-F) held in Int64, each in the result
/// format of the node that produced it. A kernel gets a tile of `batch` samples, sample-major:
/// input k of sample s starts at `inputs[k] + s * inputSize(k)`, and it writes output of sample s
/// at `output + s * node.size`. It must not allocate: `scratch` holds `scratchCount(batch:)` Int64s.
public protocol LayerKernel: Sendable {
    /// Int64 scratch elements the kernel needs for a tile of `batch` samples.
    func scratchCount(batch: Int) -> Int
    /// Computes a tile of `batch` samples.
    func run(batch: Int, inputs: UnsafePointer<UnsafePointer<Int64>>, output: UnsafeMutablePointer<Int64>,
             scratch: UnsafeMutablePointer<Int64>)
    /// This kernel with the ReLU that follows it fused in: it also writes relu(output), in the same
    /// format, `reluOffset` values after its output (the ReLU node's arena slot). Nil when it cannot.
    func fusingRelu(reluOffset: Int) -> (any LayerKernel)?
}

extension LayerKernel {
    public func fusingRelu(reluOffset: Int) -> (any LayerKernel)? { nil }
}

/// What a kernel factory knows about a node: the node and its inputs' formats and shapes.
public struct KernelContext: Sendable {
    /// The node to compile.
    public let node: Node
    /// Result format of each input, in order.
    public let inputFormats: [FixedFormat]
    /// Shape of each input, in order.
    public let inputShapes: [[Int]]

    /// The single input's format (most layers have one input).
    public var inputFormat: FixedFormat { inputFormats[0] }
    /// The single input's shape.
    public var inputShape: [Int] { inputShapes[0] }
    /// The node's result format.
    public var resultFormat: FixedFormat { node.types.result }

    /// An error about this node.
    public func error(_ message: String) -> EmulatorError { EmulatorError(layer: node.name, message) }
}

/// A graph the emulator cannot run; one line naming the layer.
public struct EmulatorError: Error, CustomStringConvertible, Sendable {
    /// The layer concerned.
    public var layer: String?
    /// What is wrong.
    public var message: String

    /// Creates an error about `layer`.
    public init(layer: String?, _ message: String) {
        self.layer = layer
        self.message = message
    }

    public var description: String { layer.map { "layer '\($0)': \(message)" } ?? message }
}

/// Chooses the kernel for each op. Each family lives in its own file under Layers/ or Activations/.
enum KernelFactory {
    static func make(_ ctx: KernelContext) throws -> any LayerKernel {
        for f in [ctx.resultFormat] + ctx.inputFormats where !f.fitsInt64 {
            throw ctx.error("format \(f) is wider than the emulator's 64-bit values")
        }
        switch ctx.node.op {
        case .input: throw ctx.error("input nodes have no kernel")
        case .dense(let d): return try DenseKernel.make(ctx, d)
        case .conv(let c): return try ConvKernel.make(ctx, c)
        case .activation(let a): return try ActivationKernels.make(ctx, a)
        case .batchNorm(let b): return try BatchNormKernel.make(ctx, b)
        case .pool(let p): return try PoolKernel.make(ctx, p)
        case .merge(let m): return try MergeKernel.make(ctx, m)
        case .zeroPad(let z): return try ZeroPadKernel.make(ctx, z)
        case .upSample(let u): return try UpSampleKernel.make(ctx, u)
        case .reshape: return try CastKernel.make(ctx)
        }
    }
}
