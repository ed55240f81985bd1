import Foundation
import Testing
@testable import Codegen

@Suite struct WriterTests {
    static func read(_ dir: URL, _ path: String) -> String? {
        try? String(contentsOf: dir.appendingPathComponent(path), encoding: .utf8)
    }

    /// Leftover temporary or moved-aside folders next to a project.
    static func leftovers(_ parent: URL) -> [String] {
        Support.entries(parent).filter { $0.contains(".fpgarun-") }
    }

    @Test func writesNewFolderWithSubfolders() throws {
        let parent = try Support.tempDir("writer-new")
        defer { try? FileManager.default.removeItem(at: parent) }
        let dir = parent.appendingPathComponent("a/b/prj")   // missing parents are created
        try ProjectWriter.write(ProjectFiles(["x.txt": "one\n", "sub/deeper/y.h": "two\n"]), to: dir.path)
        #expect(Self.read(dir, "x.txt") == "one\n" && Self.read(dir, "sub/deeper/y.h") == "two\n")
        #expect(Self.read(dir, ProjectWriter.markerName) != nil)
        #expect(Self.leftovers(dir.deletingLastPathComponent()).isEmpty)
    }

    @Test func rerunReplacesTheWholeFolder() throws {
        let parent = try Support.tempDir("writer-replace")
        defer { try? FileManager.default.removeItem(at: parent) }
        let dir = parent.appendingPathComponent("prj")
        try ProjectWriter.write(ProjectFiles(["old.txt": "old\n", "keep/same.txt": "v1\n"]), to: dir.path)
        try "stray\n".write(to: dir.appendingPathComponent("user_added.txt"), atomically: false, encoding: .utf8)
        try ProjectWriter.write(ProjectFiles(["new.txt": "new\n", "keep/same.txt": "v2\n"]), to: dir.path)
        #expect(Self.read(dir, "old.txt") == nil && Self.read(dir, "user_added.txt") == nil)
        #expect(Self.read(dir, "new.txt") == "new\n" && Self.read(dir, "keep/same.txt") == "v2\n")
        #expect(Self.leftovers(parent).isEmpty)
        // A trailing slash names the same folder (the working directory is process-wide, so relative
        // paths are not exercised here: tests run in parallel).
        try ProjectWriter.write(ProjectFiles(["third.txt": "3\n"]), to: dir.path + "/")
        #expect(Self.read(dir, "third.txt") == "3\n" && Self.read(dir, "new.txt") == nil)
        #expect(Self.leftovers(parent).isEmpty)
    }

    @Test func emptyExistingFolderIsReplaced() throws {
        let parent = try Support.tempDir("writer-empty")
        defer { try? FileManager.default.removeItem(at: parent) }
        let dir = parent.appendingPathComponent("prj")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: false)
        try ProjectWriter.write(ProjectFiles(["a": "1\n"]), to: dir.path)
        #expect(Self.read(dir, "a") == "1\n")
    }

    @Test func foreignFolderIsNeverReplaced() throws {
        let parent = try Support.tempDir("writer-foreign")
        defer { try? FileManager.default.removeItem(at: parent) }
        let dir = parent.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: false)
        try "precious\n".write(to: dir.appendingPathComponent("thesis.tex"), atomically: false, encoding: .utf8)
        #expect {
            try ProjectWriter.write(ProjectFiles(["a": "1\n"]), to: dir.path)
        } throws: { e in
            let c = e as? CodegenError
            return c?.kind == .write && c!.message.contains(dir.path) && c!.message.contains("nor an fpgarun project")
        }
        #expect(Self.read(dir, "thesis.tex") == "precious\n" && Self.read(dir, "a") == nil)
        #expect(Self.leftovers(parent).isEmpty)
    }

    @Test func unwritableFolderIsOneLineErrorNamingIt() throws {
        let parent = try Support.tempDir("writer-unwritable")
        defer { try? FileManager.default.removeItem(at: parent) }
        // A regular file where a parent folder should be: fails even for root.
        let blocker = parent.appendingPathComponent("file")
        try "x".write(to: blocker, atomically: false, encoding: .utf8)
        let dir = blocker.appendingPathComponent("prj")
        #expect {
            try ProjectWriter.write(ProjectFiles(["a": "1\n"]), to: dir.path)
        } throws: { e in
            let c = e as? CodegenError
            return c?.kind == .write && c!.message.contains(dir.path) && !c!.message.contains("\n")
                && c!.description.hasPrefix("cannot write project folder")
        }
        // The target itself is a file.
        #expect(throws: CodegenError.self) { try ProjectWriter.write(ProjectFiles(["a": "1\n"]), to: blocker.path) }
        #expect(Self.read(blocker.deletingLastPathComponent(), "file") == "x")
        // A read-only parent (skipped as root, who may write anywhere).
        if getuid() != 0 {
            let ro = parent.appendingPathComponent("ro")
            try FileManager.default.createDirectory(at: ro, withIntermediateDirectories: false)
            chmod(ro.path, 0o555)
            defer { chmod(ro.path, 0o755) }
            #expect(throws: CodegenError.self) {
                try ProjectWriter.write(ProjectFiles(["a": "1\n"]), to: ro.appendingPathComponent("prj").path)
            }
            #expect(Support.entries(ro).isEmpty)
        }
        #expect(Self.leftovers(parent).isEmpty)
    }

    @Test func failedWriteKeepsOldProjectAndLeavesNoTemp() throws {
        let parent = try Support.tempDir("writer-fail")
        defer { try? FileManager.default.removeItem(at: parent) }
        let dir = parent.appendingPathComponent("prj")
        try ProjectWriter.write(ProjectFiles(["v.txt": "v1\n"]), to: dir.path)
        // Bad file sets are refused before anything is written.
        for bad in [["../escape": "x"], ["/abs": "x"], ["a/./b": "x"], ["": "x"], ["f": "1", "f/g": "2"]] {
            #expect(throws: CodegenError.self, "\(bad.keys.sorted())") {
                try ProjectWriter.write(ProjectFiles(bad), to: dir.path)
            }
        }
        #expect(Self.read(dir, "v.txt") == "v1\n")
        #expect(Self.leftovers(parent).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: parent.appendingPathComponent("escape").path))
    }

    @Test func writesAGeneratedProject() throws {
        let parent = try Support.tempDir("writer-project")
        defer { try? FileManager.default.removeItem(at: parent) }
        var files = try KernelCodegen.supportFiles(for: Support.spec(ProjectFilesTests.u250))
        try files.merge(Support.firmware("standin"))
        #expect(throws: CodegenError.self) { try files.merge(ProjectFiles(["Makefile": "dup"])) }
        let dir = parent.appendingPathComponent("standin_prj")
        try ProjectWriter.write(files, to: dir.path)
        for path in files.paths {
            #expect(Self.read(dir, path) == files.files[path], "\(path)")
        }
        #expect(Self.leftovers(parent).isEmpty)
    }
}
