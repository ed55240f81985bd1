import FixedPoint
import Graph

/// A whole HLS project for a graph: the network (NetworkEmitter), our layer library (Firmware/), and
/// the kernels and build files around the top function (KernelCodegen). `fpgarun convert` adds a
/// testbench data set; tests build it with CSimBuilder and run it through both kernel interfaces.
public enum NetworkProject {
    /// The kernel spec of `graph` (after the standard passes) for the given project settings.
    public static func spec(_ graph: Graph, projectName: String, clockPeriodNs: Double?, platform: Platform,
                            interface: KernelInterface = .both, backend: HLSBackend = .vitis) throws -> KernelSpec {
        try KernelSpec(project: projectName, nInput: graph.inputSize, nOutput: graph.outputSize,
                       inputFormat: graph.nodes[graph.input].types.result,
                       resultFormat: graph.nodes[graph.output].types.result,
                       clockPeriodNs: clockPeriodNs, platform: platform, interface: interface, backend: backend,
                       maxReuseFactor: NetworkEmitter.maxReuseFactor(graph))
    }

    /// Every file of the project for `graph` and `spec`, by path relative to the project folder.
    public static func files(_ graph: Graph, spec: KernelSpec) throws -> ProjectFiles {
        var files = try KernelCodegen.supportFiles(for: spec)
        try files.merge(ProjectFiles(try NetworkEmitter.emit(graph, projectName: spec.project)))
        try files.merge(ProjectFiles(Dictionary(uniqueKeysWithValues: EmbeddedFirmware.files.map { ("firmware/\($0.key)", $0.value) })))
        return files
    }
}
