// A generated project in memory, and the atomic writer that puts it on disk.
//
// Writing: every file goes into a fresh temporary sibling folder (.NAME.fpgarun-tmp-XXXXXX next to
// the target), which is then renamed into place. If the target already exists it must be a folder that
// fpgarun wrote (it holds the `.fpgarun-project` marker) or an empty one: it is renamed aside, the new
// folder renamed in, and only then the old one deleted. A failure at any point removes the temporary
// folder and leaves the old project untouched, so readers see the old project or the new one, never a
// mix; the marker keeps a mistyped --output-dir (say, a home folder) from ever being replaced.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A project's files: path relative to the project folder → file contents.
public struct ProjectFiles: Sendable, Equatable {
    /// Relative path ("kernels/x_mm.cpp") → contents.
    public var files: [String: String]

    /// Wraps a path → contents dictionary.
    public init(_ files: [String: String] = [:]) {
        self.files = files
    }

    /// The paths, sorted.
    public var paths: [String] { files.keys.sorted() }

    /// Adds `other`'s files; a path present in both is an error naming it.
    public mutating func merge(_ other: ProjectFiles) throws {
        for (path, text) in other.files {
            if files[path] != nil {
                throw CodegenError(.invalidSpec, "two generators both produce \(path)")
            }
            files[path] = text
        }
    }

    /// Checks every path is relative, normalised and free of '..', and that no path is also a folder
    /// of another.
    public func validate() throws {
        var folders = Set<String>()
        for path in files.keys {
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            guard !path.isEmpty, !path.hasPrefix("/"), !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }),
                  !path.contains("\0")
            else {
                throw CodegenError(.invalidSpec, "bad project file path '\(sanitizedForMessage(path))'")
            }
            for i in 1..<parts.count { folders.insert(parts[..<i].joined(separator: "/")) }
        }
        if let clash = files.keys.sorted().first(where: { folders.contains($0) }) {
            throw CodegenError(.invalidSpec, "project path '\(clash)' is both a file and a folder")
        }
    }
}

/// Writes a `ProjectFiles` to disk atomically (see the file comment).
public enum ProjectWriter {
    /// Name of the marker file that identifies a folder fpgarun wrote (and may therefore replace).
    public static let markerName = ".fpgarun-project"

    /// Writes `files` as the folder `dir` (plus the marker), replacing an earlier fpgarun project there.
    public static func write(_ files: ProjectFiles, to dir: String) throws {
        try files.validate()
        guard !dir.isEmpty else { throw CodegenError(.write, "cannot write project folder '': empty path") }
        let target = absolute(dir)
        let name = lastComponent(target)
        guard !name.isEmpty, name != ".", name != ".." else {
            throw CodegenError(.write, "cannot write project folder '\(dir)': not a folder name")
        }
        let parent = parentPath(target)
        func fail(_ why: String) -> CodegenError {
            CodegenError(.write, "cannot write project folder '\(sanitizedForMessage(dir, limit: 200))': \(why)")
        }

        // What is there now decides whether (and how) it may be replaced.
        var st = stat()
        let exists = lstat(target, &st) == 0
        if exists {
            guard (st.st_mode & S_IFMT) == S_IFDIR else { throw fail("it exists and is not a folder") }
            if !isReplaceable(target) {
                throw fail("it exists and is neither empty nor an fpgarun project (no \(markerName) in it)")
            }
        }
        do { try makeFolders(parent) } catch let e as Errno { throw fail(e.describe("create \(parent)")) }

        let temp: String
        do { temp = try makeTempFolder(in: parent, near: name, tag: "tmp") } catch let e as Errno {
            throw fail(e.describe("create a temporary folder in \(parent)"))
        }
        do {
            for path in files.paths {
                try writeFile(temp + "/" + path, files.files[path]!)
            }
            try writeFile(temp + "/" + markerName, "fpgarun project folder: `fpgarun convert` may replace it whole.\n")
        } catch let e as Errno {
            removeTree(temp)
            throw fail(e.describe("write"))
        }

        if !exists {
            if rename(temp, target) == 0 { return }
            let e = Errno.current
            removeTree(temp)
            throw fail(e.describe("rename into place"))
        }
        // Replace: old folder aside, new one in, old one deleted.
        let aside: String
        do { aside = try reserveName(in: parent, near: name, tag: "old") } catch let e as Errno {
            removeTree(temp)
            throw fail(e.describe("reserve a name in \(parent)"))
        }
        if rename(target, aside) != 0 {
            let e = Errno.current
            removeTree(temp)
            throw fail(e.describe("move the old project aside"))
        }
        if rename(temp, target) != 0 {
            let e = Errno.current
            _ = rename(aside, target)  // put the old project back
            removeTree(temp)
            throw fail(e.describe("rename into place"))
        }
        removeTree(aside)
    }

    /// Whether `dir` may be replaced: it holds the marker, or it is empty.
    static func isReplaceable(_ dir: String) -> Bool {
        var st = stat()
        if lstat(dir + "/" + markerName, &st) == 0 { return true }
        guard let d = opendir(dir) else { return false }
        defer { closedir(d) }
        while let entry = readdir(d) {
            let n = entryName(entry)
            if n != "." && n != ".." { return false }
        }
        return true
    }
}

// MARK: - POSIX helpers (errno-precise messages; no Foundation needed)

/// A failed system call: the errno and what was being done to which path.
struct Errno: Error {
    let code: Int32
    let path: String

    static var current: Errno { Errno(code: errno, path: "") }

    func describe(_ action: String) -> String {
        let reason = String(cString: strerror(code))
        return path.isEmpty ? "\(action): \(reason)" : "\(action) \(path): \(reason)"
    }
}

func absolute(_ path: String) -> String {
    var p = path
    if !p.hasPrefix("/") {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let cwd = getcwd(&buf, buf.count).map { String(cString: $0) } ?? "."
        p = cwd + "/" + p
    }
    while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
    return p
}

func lastComponent(_ path: String) -> String {
    String(path.split(separator: "/").last ?? "")
}

func parentPath(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
}

/// mkdir -p.
func makeFolders(_ path: String) throws {
    var st = stat()
    if stat(path, &st) == 0 {
        if (st.st_mode & S_IFMT) == S_IFDIR { return }
        throw Errno(code: ENOTDIR, path: path)
    }
    let parent = parentPath(path)
    if parent != path { try makeFolders(parent) }
    if mkdir(path, 0o755) != 0 && errno != EEXIST { throw Errno(code: errno, path: path) }
}

/// Creates a fresh folder .NAME.fpgarun-TAG-XXXXXX in `parent`.
func makeTempFolder(in parent: String, near name: String, tag: String) throws -> String {
    var template = Array("\(parent)/.\(name).fpgarun-\(tag)-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw Errno(code: errno, path: parent) }
    return String(cString: made)
}

/// Reserves a free name next to `name` (made as an empty folder, then removed, so rename can take it).
func reserveName(in parent: String, near name: String, tag: String) throws -> String {
    let path = try makeTempFolder(in: parent, near: name, tag: tag)
    rmdir(path)
    return path
}

/// Writes one file, creating its folders; fails if it already exists.
func writeFile(_ path: String, _ text: String) throws {
    try makeFolders(parentPath(path))
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw Errno(code: errno, path: path) }
    var failure: Errno?
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { buf in
        var done = 0
        while done < buf.count {
            let n = posixWrite(fd, buf.baseAddress! + done, buf.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                failure = Errno(code: errno, path: path)
                return
            }
            done += n
        }
    }
    if close(fd) != 0 && failure == nil { failure = Errno(code: errno, path: path) }
    if let failure { throw failure }
}

#if canImport(Glibc)
private let posixWrite = Glibc.write
#else
private let posixWrite = Darwin.write
#endif

/// rm -rf, best effort (used only on folders this process created or moved aside).
func removeTree(_ path: String) {
    var st = stat()
    guard lstat(path, &st) == 0 else { return }
    if (st.st_mode & S_IFMT) == S_IFDIR {
        if let d = opendir(path) {
            var names: [String] = []
            while let entry = readdir(d) {
                let n = entryName(entry)
                if n != "." && n != ".." { names.append(n) }
            }
            closedir(d)
            for n in names { removeTree(path + "/" + n) }
        }
        rmdir(path)
    } else {
        unlink(path)
    }
}

func entryName(_ entry: UnsafeMutablePointer<dirent>) -> String {
    withUnsafePointer(to: entry.pointee.d_name) { p in
        p.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
    }
}
