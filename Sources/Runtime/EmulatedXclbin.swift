// Reading an emulated design from an xclbin written by `fpgarun build --target csim`: the kernels,
// compute units and argument banks come from the xclbin (IP_LAYOUT, CONNECTIVITY, MEM_TOPOLOGY,
// EMBEDDED_METADATA), the kernels' code from the C-sim library its USER_METADATA names (a path
// relative to the xclbin's folder).

import Codegen
import Foundation
import Xclbin

/// Turns an xclbin naming a C-sim library into an `EmulatedDesign`.
enum EmulatedXclbin {
    /// The design described by the xclbin at `path`.
    static func design(xclbin path: String) throws -> EmulatedDesign {
        let x = try read(path)
        guard let lib = x.csimLibrary else {
            throw RuntimeError(.badXclbin, "\(path): not an emulated-device xclbin (it names no C-sim library); use a card through XRT")
        }
        let libPath = lib.hasPrefix("/") ? lib : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(lib).path
        guard FileManager.default.fileExists(atPath: libPath) else {
            throw RuntimeError(.badXclbin, "\(path): its C-sim library \(libPath) is missing (rebuild with `fpgarun build --target csim`)")
        }
        let library: CSimLibrary
        do {
            library = try CSimLibrary(path: libPath)
        } catch {
            throw RuntimeError(.badXclbin, "\(path): \(error)")
        }
        let p = library.project
        let roles: [(String, EmulatedRole)] = [("\(p)_mm", .mm), ("\(p)_mm2s", .mm2s), ("\(p)_axis", .axis), ("\(p)_s2mm", .s2mm)]
        var kernels: [EmulatedKernelSpec] = []
        for kernel in x.kernels {
            guard let role = roles.first(where: { $0.0 == kernel.name })?.1 else {
                throw RuntimeError(.badXclbin, "\(path): kernel \(kernel.name) is not one of project \(p)'s (\(roles.map(\.0).joined(separator: ", ")))")
            }
            guard kernel.args.count == role.argumentCount else {
                throw RuntimeError(.badXclbin, "\(path): kernel \(kernel.name) has \(kernel.args.count) arguments, the C-sim kernel \(role.argumentCount)")
            }
            let cus = x.computeUnits(ofKernel: kernel.name)
            guard !cus.isEmpty else { throw RuntimeError(.badXclbin, "\(path): kernel \(kernel.name) has no compute unit") }
            kernels.append(EmulatedKernelSpec(
                name: kernel.name, role: role, computeUnits: cus.map(\.instanceName),
                banks: cus.map { cu in kernel.args.sorted { $0.index < $1.index }.map { x.bank(computeUnit: cu.index, argument: $0.index) } }))
        }
        return EmulatedDesign(uuid: x.uuid, platform: x.platformVBNV, library: library, banks: x.memories.map(\.tag), kernels: kernels)
    }

    /// Reads an xclbin, turning the reader's errors into the runtime's.
    static func read(_ path: String) throws -> Xclbin {
        do {
            return try Xclbin.read(path: path)
        } catch let e as XclbinError {
            throw RuntimeError(.badXclbin, e.description)
        }
    }
}
