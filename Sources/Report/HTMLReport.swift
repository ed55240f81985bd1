import Graph

/// A self-contained HTML page of a design (stub, filled in stage 3).
public struct HTMLReport: Sendable {
    public var graph: Graph
    public var estimate: DesignEstimate
    public var vendor: VendorReports?
    public var bench: BenchSummary?
    public var profile: PrecisionProfile?
    public init(graph: Graph, estimate: DesignEstimate) { self.graph = graph; self.estimate = estimate }
    public func render() -> String { "" }
}

/// Value ranges per layer (stub).
public struct PrecisionProfile: Sendable {
    public init(graph: Graph, inputPath: String?) throws {}
}
