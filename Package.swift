// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "fpgarun",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fpgarun", targets: ["fpgarun"]),
        .library(name: "FixedPoint", targets: ["FixedPoint"]),
        // XRT support, loaded by fpgarun from beside its executable (Sources/CXRT/loader.c).
        .library(name: "FPGARunXRT", type: .dynamic, targets: ["CXRTShim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // The single source of numeric truth: ap_fixed / ap_int semantics.
        .target(name: "FixedPoint"),
        // libhdf5 behind C wrappers with its types and constants, linked statically from
        // libhdf5-dev's archive (with its szip and zlib filters): Debian's shared libhdf5 pulls in
        // libcurl, gnutls, krb5, ldap and ~25 more libraries for its S3 driver, and loading them
        // took ~10 ms of every model command; the archive's objects need none of them.
        .target(
            name: "CHDF5",
            cSettings: [.unsafeFlags(["-I/usr/include/hdf5/serial", "-I/usr/include/hdf5"])],
            linkerSettings: [
                .unsafeFlags(["-Xlinker", "-l:libhdf5_serial.a", "-Xlinker", "-l:libsz.a", "-Xlinker", "-l:libaec.a"]),
                .linkedLibrary("z"), .linkedLibrary("m"),
            ]
        ),
        // Typed, throwing HDF5 reading on top of CHDF5 (files, groups, attributes, datasets).
        .target(name: "HDF5", dependencies: ["CHDF5"]),
        // The graph IR: typed ops, shapes, per-layer formats, passes, a verifier and a text dump.
        .target(name: "Graph", dependencies: ["FixedPoint"]),
        // Model and config import: Keras JSON+H5, whole .h5, .keras archives; hls4ml YAML configs.
        .target(
            name: "Import",
            dependencies: ["Graph", "HDF5", "FixedPoint", "Yams", "ZIPFoundation"]
        ),
        // The bit-accurate emulator: the graph executed on raw integers, batched and multi-threaded.
        .target(name: "Emulator", dependencies: ["Graph", "FixedPoint", "CEmulatorKernels"]),
        // The emulator's Int16 multiply-accumulate in C, built for AVX2 and baseline x86-64 and picked
        // at load time (Swift has no per-function target attribute).
        .target(name: "CEmulatorKernels"),
        // Child processes (compilers, make, the tests' tools) started in one posix_spawn, waited for
        // through a pidfd with a time-out, output through anonymous files; not Foundation's Process.
        .target(name: "CSpawn"),
        .target(name: "ProcessRunner", dependencies: ["CSpawn"]),
        // HLS project generation: kernel wrappers, v++ configs, Makefile, scripts, C-sim library build.
        .target(name: "Codegen", dependencies: ["Graph", "FixedPoint", "Xclbin", "ProcessRunner"]),
        // NumPy .npy files: read (memory-mapped) and write (atomically).
        .target(name: "NPY"),
        // xclbin files: reader and writer of the xclbin2 container (header, sections, kernel metadata).
        .target(name: "Xclbin", dependencies: ["XMLScanner"]),
        // A reader of well-formed XML (xclbin metadata, HLS reports); not FoundationXML, whose libxml2
        // and ICU every fpgarun start would load.
        .target(name: "XMLScanner"),
        // XRT's native C++ API behind a small extern "C" API (cxrt_shim.h) that turns every exception
        // into an error, built as its own shared library (the FPGARunXRT product) so that only the
        // commands that use a card load XRT.
        .target(
            name: "CXRTShim",
            publicHeadersPath: ".",
            cxxSettings: [.unsafeFlags(["-I/usr/include/xrt", "-I\(Context.packageDirectory)/Sources/CXRT/include", "-std=c++17"])],
            linkerSettings: [.linkedLibrary("xrt_coreutil"), .linkedLibrary("uuid"), .unsafeFlags(["-Xlinker", "-Bsymbolic", "-static-stdlib"])]
        ),
        // cxrt_shim.h for Swift, each function loading libFPGARunXRT.so on first use (dlopen).
        .target(name: "CXRT", linkerSettings: [.linkedLibrary("dl")]),
        // libpci (PCIe discovery; also reads lspci-style text dumps), loaded on first use (dlopen);
        // its types from libpci-dev's header.
        .target(name: "CLibPCI", linkerSettings: [.linkedLibrary("dl")]),
        // The host runtime: Device protocol, XRT and emulated devices, PCI discovery, streaming,
        // bench and validate engines.
        .target(
            name: "Runtime",
            dependencies: [
                "Xclbin", "CXRT", "CLibPCI", "Codegen", "Emulator", "Graph", "NPY", "FixedPoint",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // Estimates (latency, II, DSP/LUT/FF/BRAM) without vendor tools, vendor report parsing, HTML reports.
        .target(name: "Report", dependencies: ["Graph", "FixedPoint", "Emulator", "XMLScanner"]),
        // The commands, as a library so tests can call them in-process too.
        .target(
            name: "FPGARunCLI",
            dependencies: [
                "FixedPoint", "NPY", "Graph", "Import", "Emulator", "Codegen", "Runtime", "Xclbin", "Report",
                "ProcessRunner", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "fpgarun", dependencies: ["FPGARunCLI"]),
        // Emulator throughput benchmark (tools/EmuBench/main.swift).
        .executableTarget(name: "emu-bench", dependencies: ["Emulator", "Import", "NPY", "Graph"], path: "tools/EmuBench"),
        // Runs one XRT scenario per process for the XRT tests (tools/XRTProbe/main.swift).
        .executableTarget(name: "xrt-probe", dependencies: ["Runtime"], path: "tools/XRTProbe"),
        .testTarget(name: "FixedPointTests", dependencies: ["FixedPoint", "ProcessRunner"], exclude: ["Harness"]),
        .testTarget(name: "ProcessRunnerTests", dependencies: ["ProcessRunner"]),
        .testTarget(name: "NPYTests", dependencies: ["NPY", "ProcessRunner"]),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5"]),
        .testTarget(name: "GraphTests", dependencies: ["Graph"]),
        .testTarget(name: "ImportTests", dependencies: ["Import", "Yams"]),
        .testTarget(name: "EmulatorTests", dependencies: ["Emulator", "Import", "NPY", "ProcessRunner"]),
        .testTarget(name: "CLITests", dependencies: ["FPGARunCLI", "Xclbin", "ProcessRunner"]),
        .testTarget(name: "XclbinTests", dependencies: ["Xclbin", "ProcessRunner"]),
        .testTarget(name: "XMLScannerTests", dependencies: ["XMLScanner"]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "Xclbin", "Codegen", "Import", "Emulator", "NPY", "ProcessRunner"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Import", "Graph", "FPGARunCLI", "ProcessRunner"]),
        .testTarget(name: "CodegenTests", dependencies: ["Codegen", "FixedPoint", "Graph", "Import", "Emulator", "NPY", "ProcessRunner"]),
    ],
    swiftLanguageModes: [.v6]
)
