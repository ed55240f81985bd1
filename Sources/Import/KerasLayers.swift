import Foundation
import Graph

/// Turns Keras layer configs into graph nodes, one class at a time.
struct LayerConverter {
    let path: String
    let store: WeightStore
    var builder: GraphBuilder

    /// Classes that pass data through unchanged at inference.
    static let identities: Set<String> = ["Dropout", "SpatialDropout1D", "SpatialDropout2D", "GaussianNoise",
                                          "GaussianDropout", "AlphaDropout", "ActivityRegularization"]

    mutating func input(_ name: String, shape: [JSON]) throws -> NodeID {
        let dims = shape.dropFirst().map(\.int)
        guard !dims.isEmpty, dims.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ImportError(path, name, "input shape must be fixed and positive (batch dimension first)")
        }
        return try wrap(name) { try builder.input(name, shape: dims.map { $0! }) }
    }

    /// Converts one layer reading `inputs`; returns nil for identity layers (Dropout and kin).
    mutating func convert(_ layer: JSON, inputs: [NodeID]) throws -> NodeID? {
        let cls = layer["class_name"].string ?? "?"
        let c = layer["config"]
        let name = c["name"].string ?? layer["name"].string ?? "?"
        if Self.identities.contains(cls) { return nil }
        func fail(_ m: String) -> ImportError { ImportError(path, name, m) }
        func one() throws -> NodeID {
            guard inputs.count == 1 else { throw fail("\(cls) takes one input, has \(inputs.count)") }
            return inputs[0]
        }
        let inShape = inputs.first.map { builder.shape(of: $0) } ?? []
        if let format = c["data_format"].string, format != "channels_last" {
            throw fail("data_format '\(format)' is not supported (use channels_last)")
        }
        let op: Op
        var activation: ActivationFunction?
        var reshapeTo: [Int]?
        switch cls {
        case "Dense":
            _ = try one()
            guard let units = c["units"].int else { throw fail("Dense has no 'units'") }
            let (w, b) = try kernelAndBias(name: name, useBias: c["use_bias"].bool ?? true, kernelShape: [inShape.last ?? 0, units])
            op = .dense(Dense(inputs: inShape.last ?? 0, outputs: units, weights: w, bias: b))
            activation = try self.activation(c["activation"], name: name)
        case "Conv1D", "Conv2D":
            _ = try one()
            let rank = cls == "Conv1D" ? 1 : 2
            guard inShape.count == rank + 1 else { throw fail("\(cls) expects a \(rank + 1)-D input, gets \(inShape)") }
            guard let filters = c["filters"].int, let kernel = c["kernel_size"].ints(rank: rank) else {
                throw fail("\(cls) needs filters and kernel_size")
            }
            let strides = c["strides"].ints(rank: rank) ?? Array(repeating: 1, count: rank)
            if let d = c["dilation_rate"].ints(rank: rank), d.contains(where: { $0 != 1 }) {
                throw fail("dilation_rate \(d) is not supported")
            }
            if (c["groups"].int ?? 1) != 1 { throw fail("grouped convolution is not supported") }
            let padding = try pads(c["padding"], input: Array(inShape.dropLast()), window: kernel, strides: strides, name: name)
            let (w, b) = try kernelAndBias(name: name, useBias: c["use_bias"].bool ?? true,
                                           kernelShape: kernel + [inShape.last!, filters])
            op = .conv(Conv(rank: rank, kernel: kernel, strides: strides, padding: padding, filters: filters,
                            inChannels: inShape.last!, weights: w, bias: b))
            activation = try self.activation(c["activation"], name: name)
        case "Activation":
            _ = try one()
            guard let f = try self.activation(c["activation"], name: name) else { throw fail("Activation has no 'activation'") }
            op = .activation(Activation(f))
        case "ReLU":
            _ = try one()
            let maxValue = c["max_value"].double
            let threshold = c["threshold"].double ?? 0
            let slope = c["negative_slope"].double ?? 0
            op = .activation(Activation(maxValue == nil && threshold == 0 && slope == 0
                ? .relu : .reluParameters(maxValue: maxValue, threshold: threshold, negativeSlope: slope)))
        case "LeakyReLU":
            _ = try one()
            op = .activation(Activation(.leakyRelu(alpha: c["alpha"].double ?? c["negative_slope"].double ?? 0.3)))
        case "ELU":
            _ = try one()
            op = .activation(Activation(.elu(alpha: c["alpha"].double ?? 1)))
        case "ThresholdedReLU":
            _ = try one()
            op = .activation(Activation(.thresholdedRelu(theta: c["theta"].double ?? 1)))
        case "Softmax":
            _ = try one()
            let axis = c["axis"].int ?? -1
            guard axis == -1 || axis == inShape.count else { throw fail("softmax over axis \(axis) is not supported (only the last)") }
            op = .activation(Activation(.softmax))
        case "PReLU":
            _ = try one()
            let arrays = try store.arrays(for: name)
            guard let alpha = arrays.first else { throw fail("no stored alpha") }
            op = .activation(Activation(.prelu(alpha: try broadcast(alpha, to: inShape, name: name))))
        case "BatchNormalization":
            _ = try one()
            op = .batchNorm(try batchNorm(c, name: name, channels: inShape.last ?? 0, rank: inShape.count))
        case "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D":
            _ = try one()
            let rank = cls.hasSuffix("1D") ? 1 : 2
            guard inShape.count == rank + 1 else { throw fail("\(cls) expects a \(rank + 1)-D input, gets \(inShape)") }
            guard let size = c["pool_size"].ints(rank: rank) else { throw fail("\(cls) needs pool_size") }
            let strides = c["strides"].ints(rank: rank) ?? size
            let padding = try pads(c["padding"], input: Array(inShape.dropLast()), window: size, strides: strides, name: name)
            op = .pool(Pool(kind: cls.hasPrefix("Max") ? .max : .average, rank: rank, global: false,
                            size: size, strides: strides, padding: padding))
        case "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalAveragePooling1D", "GlobalAveragePooling2D":
            _ = try one()
            if c["keepdims"].bool == true { throw fail("keepdims=True is not supported") }
            let rank = cls.hasSuffix("1D") ? 1 : 2
            op = .pool(Pool(kind: cls.contains("Max") ? .max : .average, rank: rank, global: true,
                            size: [], strides: [], padding: []))
        case "Flatten":
            _ = try one()
            op = .reshape
            reshapeTo = [inShape.reduce(1, *)]
        case "Reshape":
            _ = try one()
            guard var target = c["target_shape"].array?.map({ $0.int ?? 0 }) else { throw fail("Reshape needs target_shape") }
            if let unknown = target.firstIndex(of: -1) {
                let known = target.filter { $0 != -1 }.reduce(1, *)
                target[unknown] = known > 0 ? inShape.reduce(1, *) / known : 0
            }
            op = .reshape
            reshapeTo = target
        case "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate":
            guard inputs.count == 2 else { throw fail("\(cls) of \(inputs.count) inputs is not supported (two inputs)") }
            var axis = -1
            if cls == "Concatenate" {
                axis = c["axis"].int ?? -1
                let rank = inShape.count
                if axis < 0 { axis += rank } else { axis -= 1 }  // Keras counts the batch axis
                guard axis >= 0 && axis < rank else { throw fail("concatenation axis \(c["axis"].int ?? -1) is out of range") }
            }
            op = .merge(Merge(Merge.Kind(rawValue: cls.lowercased())!, axis: axis))
        case "ZeroPadding1D", "ZeroPadding2D":
            _ = try one()
            let rank = cls == "ZeroPadding1D" ? 1 : 2
            op = .zeroPad(ZeroPad(rank: rank, padding: try zeroPads(c["padding"], rank: rank, name: name)))
        case "UpSampling1D", "UpSampling2D":
            _ = try one()
            let rank = cls == "UpSampling1D" ? 1 : 2
            if let interp = c["interpolation"].string, interp != "nearest" {
                throw fail("interpolation '\(interp)' is not supported (nearest only)")
            }
            guard let size = (rank == 1 ? c["size"].ints(rank: 1) : c["size"].ints(rank: 2)), size.allSatisfy({ $0 >= 1 }) else {
                throw fail("\(cls) needs a positive size")
            }
            op = .upSample(UpSample(rank: rank, factors: size))
        default:
            throw fail("unsupported layer class \(cls)")
        }
        return try wrap(name) {
            try builder.add(name, sourceClass: cls, op: op, inputs: inputs, activation: activation, shape: reshapeTo)
        }
    }

    /// Re-labels graph errors with the model file.
    private func wrap<T>(_ name: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as GraphError {
            throw ImportError(path, e.layer ?? name, e.message)
        }
    }

    /// The Keras `activation=` value as a function; nil when absent. An explicit `linear` is kept:
    /// hls4ml splits it off too, and it matters when the layer's result type differs.
    func activation(_ value: JSON, name: String) throws -> ActivationFunction? {
        guard !value.isNull else { return nil }
        guard let s = value.string ?? value["config"]["name"].string ?? value["class_name"].string else {
            throw ImportError(path, name, "unreadable activation")
        }
        switch s {
        case "": return nil
        case "linear": return .linear
        case "relu": return .relu
        case "sigmoid": return .sigmoid
        case "tanh": return .tanh
        case "softmax": return .softmax
        case "softsign": return .softsign
        case "softplus": return .softplus
        case "elu": return .elu(alpha: 1)
        case "selu": return .selu
        case "hard_sigmoid": return .hardSigmoid
        default: throw ImportError(path, name, "unsupported activation '\(s)'")
        }
    }

    /// Kernel and bias of a Dense or Conv layer, checking the kernel shape.
    func kernelAndBias(name: String, useBias: Bool, kernelShape: [Int]) throws -> ([Double], [Double]) {
        let arrays = try store.arrays(for: name)
        guard let kernel = arrays.first else { throw ImportError(path, name, "no stored weights") }
        guard kernel.shape == kernelShape else {
            throw ImportError(path, name, "stored kernel has shape \(kernel.shape), the layer needs \(kernelShape)")
        }
        let units = kernelShape.last!
        guard useBias else { return (kernel.values, Array(repeating: 0, count: units)) }
        guard arrays.count >= 2 else { throw ImportError(path, name, "no stored bias") }
        guard arrays[1].values.count == units else {
            throw ImportError(path, name, "stored bias has \(arrays[1].values.count) values, the layer needs \(units)")
        }
        return (kernel.values, arrays[1].values)
    }

    /// Explicit padding for Keras' `valid`/`same`.
    func pads(_ mode: JSON, input: [Int], window: [Int], strides: [Int], name: String) throws -> [Padding] {
        switch mode.string ?? "valid" {
        case "valid": return input.map { _ in Padding(0, 0) }
        case "same": return input.indices.map { Padding.same(input: input[$0], kernel: window[$0], stride: strides[$0]) }
        case let other: throw ImportError(path, name, "padding '\(other)' is not supported (valid or same)")
        }
    }

    /// ZeroPadding's `padding`: an int, one pair per dimension, or one int per dimension.
    func zeroPads(_ value: JSON, rank: Int, name: String) throws -> [Padding] {
        if let i = value.int { return Array(repeating: Padding(i, i), count: rank) }
        guard let list = value.array else { throw ImportError(path, name, "unreadable padding") }
        if rank == 1, list.count == 2, let a = list[0].int, let b = list[1].int { return [Padding(a, b)] }
        guard list.count == rank else { throw ImportError(path, name, "padding needs \(rank) entries") }
        return try list.map { entry in
            if let i = entry.int { return Padding(i, i) }
            guard let a = entry[0].int, let b = entry[1].int else { throw ImportError(path, name, "unreadable padding") }
            return Padding(a, b)
        }
    }

    /// BatchNormalization folded to scale and bias, in float32 as hls4ml's numpy code computes it
    /// on the stored float32 arrays.
    func batchNorm(_ c: JSON, name: String, channels: Int, rank: Int) throws -> BatchNorm {
        let axis = c["axis"].int ?? c["axis"][0].int ?? -1
        guard axis == -1 || axis == rank else { throw ImportError(path, name, "batch norm over axis \(axis) is not supported (only the last)") }
        var arrays = try store.arrays(for: name)[...]
        let scaleOn = c["scale"].bool ?? true
        let centerOn = c["center"].bool ?? true
        let ones = [Double](repeating: 1, count: channels), zeros = [Double](repeating: 0, count: channels)
        guard arrays.count == (scaleOn ? 1 : 0) + (centerOn ? 1 : 0) + 2 else {
            throw ImportError(path, name, "expected \((scaleOn ? 1 : 0) + (centerOn ? 1 : 0) + 2) stored arrays, found \(arrays.count)")
        }
        let gamma = scaleOn ? arrays.removeFirst().values : ones
        let beta = centerOn ? arrays.removeFirst().values : zeros
        let mean = arrays.removeFirst().values
        let variance = arrays.removeFirst().values
        guard [gamma, beta, mean, variance].allSatisfy({ $0.count == channels }) else {
            throw ImportError(path, name, "stored arrays do not have \(channels) channels")
        }
        let eps = Float(c["epsilon"].double ?? 0.001)
        var scale = [Double](), bias = [Double]()
        for i in 0..<channels {
            let s = Float(gamma[i]) / (Float(variance[i]) + eps).squareRoot()
            scale.append(Double(s))
            bias.append(Double(Float(beta[i]) - Float(mean[i]) * s))
        }
        return BatchNorm(scale: scale, bias: bias)
    }

    /// PReLU alphas (shape = input shape with shared axes of extent 1) expanded to every element.
    func broadcast(_ alpha: WeightArray, to shape: [Int], name: String) throws -> [Double] {
        var aShape = alpha.shape
        while aShape.count < shape.count { aShape.insert(1, at: 0) }
        guard aShape.count == shape.count, zip(aShape, shape).allSatisfy({ $0 == $1 || $0 == 1 }) else {
            throw ImportError(path, name, "alpha shape \(alpha.shape) does not fit input \(shape)")
        }
        let n = shape.reduce(1, *)
        var out = [Double](repeating: 0, count: n)
        for flat in 0..<n {
            var rem = flat, src = 0, step = 1
            for d in stride(from: shape.count - 1, through: 0, by: -1) {
                let idx = rem % shape[d]
                rem /= shape[d]
                if aShape[d] != 1 { src += idx * step }
                step *= aShape[d]
            }
            out[flat] = alpha.values[src]
        }
        return out
    }
}
