// Reading an emulated design from an xclbin written by `fpgarun build --target csim`.

/// Turns an xclbin naming a C-sim library into an `EmulatedDesign`.
enum EmulatedXclbin {
    /// The design described by the xclbin at `path`.
    static func design(xclbin path: String) throws -> EmulatedDesign {
        throw RuntimeError(.badXclbin, "\(path): xclbin reading is not wired yet")
    }
}
