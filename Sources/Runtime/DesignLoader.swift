// Opening the device an xclbin is for: an xclbin that names a C-sim library (written by
// `fpgarun build --target csim`) goes to the emulated device, any other to a card through XRT.

import Codegen
import FixedPoint
import Foundation

/// A design loaded on a device.
public struct LoadedDesign {
    /// What the host knows about the design's kernels.
    public enum Kind {
        /// The emulated device's design (kernels, CUs, the C-sim library).
        case emulated(EmulatedDesign)
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
        }
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
        }
    }
}

/// Opens devices for xclbins.
public enum DesignLoader {
    /// Loads `path` on the device it is for; `device` (index or PCIe address) picks the card for XRT.
    public static func open(xclbin path: String, device: String, faults: [EmulatedFault]) throws -> LoadedDesign {
        let emulated = EmulatedDevice(faults: faults)
        let uuid = try emulated.load(xclbin: path)
        return LoadedDesign(device: emulated, uuid: uuid, xclbin: path, design: .emulated(emulated.loadedDesign!))
    }
}
