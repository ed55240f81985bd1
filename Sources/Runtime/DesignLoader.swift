// Opening the device an xclbin is for: an xclbin that names a C-sim library (written by
// `fpgarun build --target csim`) goes to the emulated device, any other to a card through XRT.

import Codegen
import FixedPoint
import Foundation
import Xclbin

/// What one sample looks like at the kernel boundary: value counts and fixed-point types.
public struct SampleShape: Sendable, Equatable, CustomStringConvertible {
    /// Values per input / output sample.
    public var nInput: Int, nOutput: Int
    /// The input and result types.
    public var inputFormat: FixedFormat, resultFormat: FixedFormat

    /// Makes a shape.
    public init(nInput: Int, nOutput: Int, inputFormat: FixedFormat, resultFormat: FixedFormat) {
        self.nInput = nInput
        self.nOutput = nOutput
        self.inputFormat = inputFormat
        self.resultFormat = resultFormat
    }

    public var description: String { "\(nInput) x \(inputFormat) -> \(nOutput) x \(resultFormat)" }
}

/// A design loaded on a device.
public struct LoadedDesign {
    /// What the host knows about the design's kernels.
    public enum Kind {
        /// The emulated device's design (kernels, CUs, the C-sim library).
        case emulated(EmulatedDesign)
        /// An xclbin on a card; the sample shape comes from the model (a v++ xclbin does not carry it).
        case xrt(Xclbin, SampleShape?)
    }

    /// The device it is loaded on.
    public let device: any Device
    /// The uuid the device reported.
    public let uuid: UUID
    /// The xclbin file, if it came from one.
    public let xclbin: String?
    /// The design.
    public let design: Kind

    /// Makes a loaded design.
    public init(device: any Device, uuid: UUID, xclbin: String?, design: Kind) {
        self.device = device
        self.uuid = uuid
        self.xclbin = xclbin
        self.design = design
    }

    /// The project name (kernel name prefix).
    public var project: String {
        switch design {
        case .emulated(let d): return d.library.project
        case .xrt(let x, _):
            let names = x.kernels.map(\.name)
            for suffix in ["_mm", "_axis"] {
                if let k = names.first(where: { $0.hasSuffix(suffix) }) { return String(k.dropLast(suffix.count)) }
            }
            return names.first ?? "?"
        }
    }

    /// The design's sample shape, when known.
    public var shape: SampleShape? {
        switch design {
        case .emulated(let d):
            let l = d.library
            return SampleShape(nInput: l.nInput, nOutput: l.nOutput, inputFormat: l.inputFormat, resultFormat: l.resultFormat)
        case .xrt(_, let s): return s
        }
    }

    /// Checks that a model's sample shape is the one the design was built for.
    public func check(model: SampleShape) throws {
        guard let mine = shape, mine != model else { return }
        throw RuntimeError(.input, "\(xclbin ?? project): the kernels were built for \(mine); the model is \(model)")
    }

    /// The stream layout for `interface` over `computeUnits` compute units (default: all).
    public func layout(interface: CSimInterface, computeUnits: Int?) throws -> KernelLayout {
        switch design {
        case .emulated(let d):
            let kernel = "\(d.library.project)_\(interface.rawValue)"
            guard let spec = d.kernels.first(where: { $0.name == kernel }) else {
                throw RuntimeError(.noKernel, "\(xclbin ?? d.library.path): no \(interface.rawValue) kernel (\(kernel)); convert with --interface \(interface.rawValue) or both")
            }
            let available = spec.computeUnits.count
            if let computeUnits, computeUnits > available {
                throw RuntimeError(.argument, "\(xclbin ?? d.library.path): \(kernel) has \(available) compute unit\(available == 1 ? "" : "s"), \(computeUnits) asked for")
            }
            return KernelLayout(project: d.library.project, interface: interface, computeUnits: computeUnits ?? available,
                                input: d.library.inputPacking, output: d.library.outputPacking)
        case .xrt(let x, let shape):
            let kernel = "\(project)_\(interface.rawValue)"
            let available = x.computeUnits(ofKernel: kernel).count
            guard available > 0 else {
                throw RuntimeError(.noKernel, "\(xclbin ?? "xclbin"): no \(interface.rawValue) kernel (\(kernel)); it has \(x.kernels.map(\.name).joined(separator: ", "))")
            }
            if let computeUnits, computeUnits > available {
                throw RuntimeError(.argument, "\(xclbin ?? "xclbin"): \(kernel) has \(available) compute unit\(available == 1 ? "" : "s"), \(computeUnits) asked for")
            }
            guard let shape else {
                throw RuntimeError(.input, "\(xclbin ?? "xclbin"): a card's xclbin does not say how samples are packed; give the model's --config")
            }
            return KernelLayout(project: project, interface: interface, computeUnits: computeUnits ?? available,
                                input: SamplePacking(values: shape.nInput, bits: shape.inputFormat.width),
                                output: SamplePacking(values: shape.nOutput, bits: shape.resultFormat.width))
        }
    }
}

/// Opens devices for xclbins.
public enum DesignLoader {
    /// Loads `path` on the device it is for: the emulated device when the xclbin names a C-sim
    /// library, else the XRT card `device` (an index or a PCIe address). `model` gives the sample
    /// shape a card's xclbin does not carry.
    public static func open(xclbin path: String, device: String, faults: [EmulatedFault], model: SampleShape?,
                            nullKernels: Bool = false) throws -> LoadedDesign {
        let x = try EmulatedXclbin.read(path)
        if x.csimLibrary != nil {
            let emulated = EmulatedDevice(faults: faults, nullKernels: nullKernels)
            let uuid = try emulated.load(xclbin: path)
            return LoadedDesign(device: emulated, uuid: uuid, xclbin: path, design: .emulated(emulated.loadedDesign!))
        }
        guard faults.isEmpty else { throw RuntimeError(.argument, "faults can be injected on the emulated device only") }
        guard !nullKernels else { throw RuntimeError(.argument, "null kernels exist on the emulated device only") }
        let card: XRTDevice = try Int(device).map { try XRTDevice(index: $0) } ?? XRTDevice(bdf: device)
        let uuid = try card.load(xclbin: path)
        guard uuid == x.uuid else {
            throw RuntimeError(.uuidMismatch, "\(path): XRT loaded uuid \(uuid.uuidString.lowercased()), the file has \(x.uuid.uuidString.lowercased())")
        }
        return LoadedDesign(device: card, uuid: uuid, xclbin: path, design: .xrt(x, model))
    }
}
