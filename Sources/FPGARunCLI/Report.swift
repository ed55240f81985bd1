import ArgumentParser
import Foundation
import Graph
import Import
import NPY
import Report

/// `fpgarun report`: estimates without vendor tools, vendor reports when present, an HTML page.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Estimate latency and resources, read Vitis/Vivado HLS reports, write an HTML report.",
        discussion: """
        fpgarun report --config C.yml [--json]            estimates per layer and in total
        fpgarun report DIR [--config C.yml] [--json]      a project's csynth/cosim/Vivado reports (beside the estimate)
        fpgarun report --config C.yml --html out.html [--bench bench.json] [--input x.npy]
        """
    )

    @OptionGroup var modelOptions: ModelOptions

    @Argument(help: "A Vitis/Vivado HLS project folder whose reports to read.")
    var project: String?

    @Flag(name: .long, help: "Print JSON instead of tables.")
    var json = false

    @Option(name: .long, help: "Write a self-contained HTML report to this file.")
    var html: String?

    @Option(name: .long, help: "A `fpgarun bench --json` result to show in the HTML report.")
    var bench: String?

    @Option(name: .long, help: "Sample inputs (.npy) for the HTML precision profile (default: random inputs in the input type's range).")
    var input: String?

    @Option(name: .long, help: "Override the config's FPGA part.")
    var part: String?

    @Option(name: .long, help: "Override the config's clock period (ns).")
    var clockPeriod: Double?

    func validate() throws {
        if project == nil && !modelOptions.given {
            throw ValidationError("give --config C.yml (estimates) or a project folder (vendor reports), or both")
        }
        if html != nil && !modelOptions.given { throw ValidationError("--html needs --config C.yml (or --model)") }
        if (bench != nil || input != nil) && html == nil { throw ValidationError("--bench and --input go with --html") }
    }

    func run() throws {
        var estimate: DesignEstimate?
        var graph: Graph?
        if modelOptions.given {
            let (cfg, g) = try modelOptions.load()
            let partName = part ?? cfg.part ?? PartResources.known[1].part
            estimate = Estimator().estimate(g, part: partName, clockPeriodNs: clockPeriod ?? cfg.clockPeriod)
            graph = g
        }
        var vendor: VendorReports?
        if let project { vendor = try VendorReports(folder: project) }
        if let html, let graph, let estimate {
            var page = HTMLReport(graph: graph, estimate: estimate)
            page.vendor = vendor
            if let bench { page.bench = try BenchSummary(contentsOf: bench) }
            page.profile = try profile(graph)
            try writeAtomically(Data(page.render().utf8), to: html)
            FileHandle.standardError.write(Data("fpgarun: wrote \(html)\n".utf8))
            return
        }
        if json {
            let out = ReportJSON(estimate: estimate, vendor: vendor)
            print(String(decoding: try encodeJSON(out), as: UTF8.self))
            return
        }
        if let vendor {
            print(ReportText.vendorTable(vendor, estimate: estimate), terminator: "")
        } else if let estimate {
            print(ReportText.estimateTable(estimate), terminator: "")
        }
    }

    /// The precision profile on --input (at most 10,000 samples) or on random inputs.
    private func profile(_ graph: Graph) throws -> PrecisionProfile {
        guard let input else {
            return try PrecisionProfile(graph: graph, inputs: nil, source: "random inputs in the input type's range")
        }
        let x = try NPYArray(contentsOf: input)
        let features = graph.inputSize
        guard x.count > 0, x.count % features == 0 else {
            throw CLIError("\(input): \(x.count) values do not make whole samples of \(features) features")
        }
        let samples = min(x.count / features, 10_000)
        var values = [Double](repeating: 0, count: samples * features)
        values.withUnsafeMutableBufferPointer { x.copyDoubles(from: 0, count: samples * features, into: $0.baseAddress!) }
        return try PrecisionProfile(graph: graph, inputs: values, source: URL(fileURLWithPath: input).lastPathComponent)
    }
}
