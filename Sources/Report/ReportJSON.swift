// What `fpgarun report --json` prints: the estimate, the vendor reports, or both side by side.

/// The JSON document of `fpgarun report --json`.
public struct ReportJSON: Sendable, Codable, Equatable {
    /// The estimate (per layer and total: latency in cycles, ii, dsp, lut, ff, bram), when a config was given.
    public var estimate: DesignEstimate?
    /// The vendor reports, when a project folder was given.
    public var reports: VendorReports?

    /// Bundles an estimate and vendor reports.
    public init(estimate: DesignEstimate?, vendor: VendorReports?) {
        self.estimate = estimate
        self.reports = vendor
    }
}
