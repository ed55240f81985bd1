// The op set: one small enum whose cases carry payload structs (tinygrad style). Shapes exclude the
// batch dimension and are channels-last, as Keras and hls4ml's io_parallel layout have them:
// Dense [n], Conv1D/pool1D [steps, channels], Conv2D/pool2D [height, width, channels].

/// What a node computes.
public enum Op: Sendable, Equatable {
    /// The network input; its shape is the node's shape.
    case input
    /// y = x·W + b over the last dimension.
    case dense(Dense)
    /// 1-D or 2-D convolution, channels last.
    case conv(Conv)
    /// An element-wise (or, for softmax, per-vector) activation.
    case activation(Activation)
    /// y = x·scale + bias per channel (Keras BatchNormalization folded at import).
    case batchNorm(BatchNorm)
    /// Max or average pooling, local or global.
    case pool(Pool)
    /// Element-wise merge of two tensors, or concatenation.
    case merge(Merge)
    /// Zero padding of the spatial dimensions.
    case zeroPad(ZeroPad)
    /// Nearest-neighbour upsampling of the spatial dimensions.
    case upSample(UpSample)
    /// A view with another shape (Flatten, Reshape): moves no data in C order.
    case reshape

    /// A short name for listings and errors.
    public var kind: String {
        switch self {
        case .input: "Input"
        case .dense: "Dense"
        case .conv(let c): "Conv\(c.rank)D"
        case .activation(let a): a.function.hlsClass
        case .batchNorm: "BatchNormalization"
        case .pool(let p): p.global ? "GlobalPooling\(p.rank)D" : "Pooling\(p.rank)D"
        case .merge(let m): m.kind == .concatenate ? "Concatenate" : "Merge"
        case .zeroPad(let z): "ZeroPadding\(z.rank)D"
        case .upSample(let u): "UpSampling\(u.rank)D"
        case .reshape: "Reshape"
        }
    }
}

/// A fully connected layer. Weights are Keras' kernel layout, `[inputs][outputs]` row-major.
public struct Dense: Sendable, Equatable {
    /// Input features.
    public var inputs: Int
    /// Output features.
    public var outputs: Int
    /// `inputs × outputs` kernel values, row-major.
    public var weights: [Double]
    /// `outputs` bias values (zeros when the layer has no bias).
    public var bias: [Double]

    /// Creates a Dense payload; `weights.count` must be `inputs * outputs`.
    public init(inputs: Int, outputs: Int, weights: [Double], bias: [Double]) {
        self.inputs = inputs
        self.outputs = outputs
        self.weights = weights
        self.bias = bias
    }
}

/// A convolution. Kernel layout is Keras': `[k0][k1][inChannels][filters]` (k1 absent in 1-D).
public struct Conv: Sendable, Equatable {
    /// 1 or 2.
    public var rank: Int
    /// Kernel extent per spatial dimension.
    public var kernel: [Int]
    /// Stride per spatial dimension.
    public var strides: [Int]
    /// Explicit zero padding per spatial dimension: (before, after).
    public var padding: [Padding]
    /// Output channels.
    public var filters: Int
    /// Input channels.
    public var inChannels: Int
    /// Kernel values in Keras layout.
    public var weights: [Double]
    /// `filters` bias values.
    public var bias: [Double]

    /// Creates a convolution payload.
    public init(rank: Int, kernel: [Int], strides: [Int], padding: [Padding], filters: Int, inChannels: Int,
                weights: [Double], bias: [Double]) {
        self.rank = rank
        self.kernel = kernel
        self.strides = strides
        self.padding = padding
        self.filters = filters
        self.inChannels = inChannels
        self.weights = weights
        self.bias = bias
    }
}

/// Zero padding before and after one spatial dimension.
public struct Padding: Sendable, Equatable, Hashable {
    /// Elements added before.
    public var before: Int
    /// Elements added after.
    public var after: Int

    /// Creates a padding pair.
    public init(_ before: Int, _ after: Int) {
        self.before = before
        self.after = after
    }

    /// Keras' "same" padding for one dimension: the odd element goes after (TensorFlow convention).
    public static func same(input: Int, kernel: Int, stride: Int) -> Padding {
        let out = (input + stride - 1) / stride
        let total = max((out - 1) * stride + kernel - input, 0)
        return Padding(total / 2, total - total / 2)
    }
}

/// The activation functions fpgarun supports, with their parameters.
public enum ActivationFunction: Sendable, Equatable {
    case linear
    case relu
    /// Keras ReLU layer: min(max_value, x) above threshold, negative_slope·(x − threshold) below.
    case reluParameters(maxValue: Double?, threshold: Double, negativeSlope: Double)
    case leakyRelu(alpha: Double)
    case thresholdedRelu(theta: Double)
    case elu(alpha: Double)
    case selu
    /// Per-element alpha, one value per element of the input (Keras PReLU, shared axes expanded).
    case prelu(alpha: [Double])
    case sigmoid
    case hardSigmoid
    case tanh
    case softsign
    case softplus
    /// Softmax over the last axis.
    case softmax

    /// Lowercase Keras spelling, used in split-activation names (`dense_relu`).
    public var name: String {
        switch self {
        case .linear: "linear"
        case .relu, .reluParameters: "relu"
        case .leakyRelu: "leaky_relu"
        case .thresholdedRelu: "thresholded_relu"
        case .elu: "elu"
        case .selu: "selu"
        case .prelu: "prelu"
        case .sigmoid: "sigmoid"
        case .hardSigmoid: "hard_sigmoid"
        case .tanh: "tanh"
        case .softsign: "softsign"
        case .softplus: "softplus"
        case .softmax: "softmax"
        }
    }

    /// hls4ml's layer class for this function (what a config's LayerType names).
    public var hlsClass: String {
        switch self {
        case .softmax: "Softmax"
        case .prelu: "PReLU"
        case .leakyRelu, .thresholdedRelu, .elu: "ParametrizedActivation"
        default: "Activation"
        }
    }

    /// True for functions computed through a lookup table in hls4ml's firmware.
    public var usesTable: Bool {
        switch self {
        case .sigmoid, .tanh, .softsign, .softplus, .elu, .selu, .softmax: true
        default: false
        }
    }
}

/// How softmax is computed (hls4ml's `Implementation`).
public enum SoftmaxImplementation: String, Sendable, CaseIterable {
    case stable, latency, legacy, argmax
}

/// An activation node's payload.
public struct Activation: Sendable, Equatable {
    /// The function.
    public var function: ActivationFunction
    /// Entries in the lookup table, for table-based functions.
    public var tableSize: Int
    /// Softmax implementation (ignored for other functions).
    public var softmax: SoftmaxImplementation

    /// Creates an activation payload with hls4ml's defaults (1024 entries, stable softmax).
    public init(_ function: ActivationFunction, tableSize: Int = 1024, softmax: SoftmaxImplementation = .stable) {
        self.function = function
        self.tableSize = tableSize
        self.softmax = softmax
    }
}

/// Per-channel affine transform.
public struct BatchNorm: Sendable, Equatable {
    /// Multiplier per channel: gamma / sqrt(variance + epsilon).
    public var scale: [Double]
    /// Offset per channel: beta − mean · scale.
    public var bias: [Double]

    /// Creates a batch-norm payload from folded scale and bias.
    public init(scale: [Double], bias: [Double]) {
        self.scale = scale
        self.bias = bias
    }
}

/// Pooling.
public struct Pool: Sendable, Equatable {
    /// Max or average.
    public enum Kind: String, Sendable { case max, average }
    /// Max or average.
    public var kind: Kind
    /// 1 or 2 spatial dimensions.
    public var rank: Int
    /// True for global pooling (over all spatial positions; output [channels]).
    public var global: Bool
    /// Window extent per spatial dimension (unused when global).
    public var size: [Int]
    /// Stride per spatial dimension (unused when global).
    public var strides: [Int]
    /// Explicit padding per spatial dimension (unused when global).
    public var padding: [Padding]

    /// Creates a pooling payload.
    public init(kind: Kind, rank: Int, global: Bool, size: [Int], strides: [Int], padding: [Padding]) {
        self.kind = kind
        self.rank = rank
        self.global = global
        self.size = size
        self.strides = strides
        self.padding = padding
    }
}

/// Merge of two inputs.
public struct Merge: Sendable, Equatable {
    /// Which merge.
    public enum Kind: String, Sendable, CaseIterable {
        case add, subtract, multiply, average, maximum, minimum, concatenate
    }
    /// Which merge.
    public var kind: Kind
    /// Concatenation axis, counted without the batch dimension and non-negative.
    public var axis: Int

    /// Creates a merge payload.
    public init(_ kind: Kind, axis: Int = -1) {
        self.kind = kind
        self.axis = axis
    }
}

/// Zero padding of spatial dimensions.
public struct ZeroPad: Sendable, Equatable {
    /// 1 or 2.
    public var rank: Int
    /// (before, after) per spatial dimension.
    public var padding: [Padding]

    /// Creates a zero-padding payload.
    public init(rank: Int, padding: [Padding]) {
        self.rank = rank
        self.padding = padding
    }
}

/// Nearest-neighbour upsampling.
public struct UpSample: Sendable, Equatable {
    /// 1 or 2.
    public var rank: Int
    /// Repeat factor per spatial dimension.
    public var factors: [Int]

    /// Creates an upsampling payload.
    public init(rank: Int, factors: [Int]) {
        self.rank = rank
        self.factors = factors
    }
}
