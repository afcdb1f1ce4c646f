import Foundation

/// The emit stage: writes everything into a staging folder beside the output, then swaps it in.
/// If anything fails, the output is left untouched.
///
/// The output the swap retires is kept beside it as `.<output>.previous` and becomes the next build's staging
/// folder: its files are overwritten in place and the ones not written again are removed. Creating thousands
/// of new files right after deleting thousands (what a fresh folder per build did) is slow on ext4 — it skips
/// recently freed inodes one by one — and two threads creating files in one folder wait on its lock.
struct Emitter {
    let site: LoadedSite

    /// A private folder beside the output that the build writes into and that is swapped in at the end;
    /// it remembers what was written, so that files left from an older build can be removed.
    final class Staging: @unchecked Sendable {
        let folder: URL
        var path: String { folder.path }
        /// Whether the folder is a retired output (worth keeping for the next build) rather than a new one.
        let reused: Bool
        private var written = Set<String>()
        private let lock = NSLock()
        /// What the reused folder held, listed on a thread of its own while the build writes (files and folders
        /// written meanwhile may or may not be in it: they are not stale either way).
        let previousFiles: Background<Listing>?

        struct Listing: Sendable {
            /// (site-relative path, full path) of every file, and every folder, parents first.
            var files: [(String, String)] = []
            var folders: [String] = []
        }

        init(folder: URL, reused: Bool) {
            self.folder = folder
            self.reused = reused
            let path = folder.path
            previousFiles = reused ? Background {
                var listing = Listing()
                Emitter.walk(path, relative: "", files: { listing.files.append(($0, $1)) }, folders: { listing.folders.append($0) })
                return listing
            } : nil
        }

        func record(_ paths: some Sequence<String>) {
            lock.lock()
            written.formUnion(paths)
            lock.unlock()
        }

        func wasWritten(_ path: String) -> Bool {
            lock.lock()
            defer { lock.unlock() }
            return written.contains(path)
        }
    }

    var previousFolder: URL {
        site.outputDirectory.deletingLastPathComponent().appendingPathComponent(".\(site.outputDirectory.lastPathComponent).previous")
    }

    /// Writes everything at once: `begin`, `write`, `finish` (for builds that hold their files in memory).
    func emit(_ files: [String: String]) throws(BuildFailure) {
        let staging = try begin()
        do throws(BuildFailure) {
            try write(files, into: staging)
            try finish(staging)
        } catch {
            abandon(staging)
            throw error
        }
    }

    /// Takes the previous build's retired output as the staging folder, or creates an empty one.
    /// Until `finish`, the output is untouched.
    func begin() throws(BuildFailure) -> Staging {
        let fm = FileManager.default
        let output = site.outputDirectory
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).staging-\(pid)")
        do {
            if fm.fileExists(atPath: staging.path) { Self.removeTree(staging.path) }
            // rename(2) is atomic: of two builds started at once, one gets the folder and the other starts empty.
            let reused = rename(previousFolder.path, staging.path) == 0
            if !reused { try fm.createDirectory(at: staging, withIntermediateDirectories: true) }
            return Staging(folder: staging, reused: reused)
        } catch {
            throw failure(error)
        }
    }

    /// Creates the folders the site-relative `paths` need in the staging folder (before parallel writes).
    func makeFolders(for paths: some Sequence<String>, in staging: Staging) throws(BuildFailure) {
        // Cut on bytes: NSString's `deletingLastPathComponent` bridged every path, some milliseconds on one core
        // before the pages stream. (The paths are site-relative, with no trailing `/`.)
        let folders = Set(paths.map(LinkResolver.folder))
        do {
            for folder in folders.sorted() where !folder.isEmpty {
                try FileManager.default.createDirectory(at: staging.folder.appendingPathComponent(String(folder)), withIntermediateDirectories: true)
            }
        } catch {
            throw failure(error)
        }
    }

    /// Writes files (site-relative path → contents) into the staging folder, in parallel.
    func write(_ files: [String: String], into staging: Staging) throws(BuildFailure) {
        try makeFolders(for: files.keys, in: staging)
        let stagingPath = staging.path
        let failures = Array(files).parallelMap { entry -> String? in
            Self.write(entry.value, to: stagingPath + "/" + entry.key) ? nil : entry.key
        }
        if let failed = failures.compactMap({ $0 }).first { throw cannotWrite(failed) }
        staging.record(files.keys)
    }

    /// Copies the theme's and the content's assets into the staging folder, removes what an older build left
    /// there, then swaps it in for the output; the retired output is kept for the next build.
    func finish(_ staging: Staging) throws(BuildFailure) {
        let fm = FileManager.default
        let output = site.outputDirectory
        do {
            try copy(site.theme.assetFiles, from: site.theme.directory.appendingPathComponent("assets"), to: "assets", in: staging)
            try copy(site.contentAssets, from: site.contentDirectory, to: "", in: staging)
            Self.prune(staging)
            if fm.fileExists(atPath: output.path) {
                if fm.fileExists(atPath: previousFolder.path) { Self.removeTree(previousFolder.path) }
                guard rename(output.path, previousFolder.path) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: output.path]) }
                guard rename(staging.path, output.path) == 0 else {
                    _ = rename(previousFolder.path, output.path)
                    throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: output.path])
                }
            } else {
                try fm.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
                guard rename(staging.path, output.path) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: output.path]) }
            }
        } catch {
            abandon(staging)
            throw failure(error)
        }
    }

    /// After a failed build: the staging folder goes back to being the reusable previous output (or is removed
    /// when it was new, or when another build has put one there); the output stays as it was.
    func abandon(_ staging: Staging) {
        guard FileManager.default.fileExists(atPath: staging.path) else { return }
        if !staging.reused || FileManager.default.fileExists(atPath: previousFolder.path) || rename(staging.path, previousFolder.path) != 0 {
            Self.removeTree(staging.path)
        }
    }

    /// Removes every file of the staging folder that this build did not write, then the folders left empty.
    /// Only what the folder held before the build can be stale: a new folder starts empty.
    static func prune(_ staging: Staging) {
        guard let listing = staging.previousFiles?.wait() else { return }
        for (relative, full) in listing.files where !staging.wasWritten(relative) { unlink(full) }
        for folder in listing.folders.reversed() { rmdir(folder) }  // fails, harmlessly, on folders that still hold files
    }

    /// Calls `files` with (site-relative path, full path) for every file below `root`, and `folders` with every
    /// folder below it (parents first).
    static func walk(_ root: String, relative: String, files: (String, String) -> Void, folders: (String) -> Void) {
        guard let dir = opendir(root) else { return }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
            if name == "." || name == ".." { continue }
            let full = root + "/" + name, path = relative.isEmpty ? name : relative + "/" + name
            var isFolder = entry.pointee.d_type == UInt8(DT_DIR)
            if entry.pointee.d_type == UInt8(DT_UNKNOWN) {
                var info = stat()
                isFolder = lstat(full, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            }
            if isFolder {
                folders(full)
                walk(full, relative: path, files: files, folders: folders)
            } else {
                files(path, full)
            }
        }
    }

    /// Removes a folder and everything in it, unlinking the files on all cores.
    static func removeTree(_ path: String) {
        var files: [String] = [], folders: [String] = [path]
        walk(path, relative: "", files: { files.append($1) }, folders: { folders.append($0) })
        _ = files.parallelMap { unlink($0) }
        for folder in folders.reversed() where rmdir(folder) != 0 {
            try? FileManager.default.removeItem(atPath: folder)  // whatever unlink could not remove
        }
    }

    /// A file (site-relative path) could not be written.
    func cannotWrite(_ path: String) -> BuildFailure {
        failure(CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]))
    }

    func failure(_ error: any Error) -> BuildFailure {
        BuildFailure([Diagnostic(stage: .emit, file: site.config.outputDirectory, message: "cannot write the site: \(error.localizedDescription)",
                                 hint: "check that the folder is writable and the disk is not full")])
    }

    /// Writes a new file in the staging folder with plain POSIX calls: the folder is private to this build
    /// and swapped in whole, so per-file atomic writes (a temporary file and a rename each) are not needed.
    static func write(_ text: String, to path: String) -> Bool {
        var text = text
        return text.withUTF8 { write($0, to: path) }
    }

    static func write(_ bytes: [UInt8], to path: String) -> Bool {
        bytes.withUnsafeBufferPointer { write($0, to: path) }
    }

    private static func write(_ bytes: UnsafeBufferPointer<UInt8>, to path: String) -> Bool {
        // No O_TRUNC: the staging folder is usually the previous build's output, and writing over a file's
        // blocks and then cutting it to length is cheaper than freeing them all and allocating them again.
        let fd = open(path, O_WRONLY | O_CREAT, 0o644)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        // The text is written padded with zeros to a whole page, then cut to length. A last, partial page
        // would make the kernel read the old block first whenever the old file goes on past it and is no
        // longer cached (a synchronous disk read per file); cutting the old file short first instead frees
        // and reallocates its last block, which on a disk mounted with `discard` waits for the device.
        // A file that shrank by whole blocks still loses them in the final ftruncate.
        let padding = (4096 - bytes.count % 4096) % 4096
        var offset = 0
        let total = bytes.count + padding
        while offset < total {
            let n: Int
            if offset < bytes.count {
                var parts = [iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress! + offset), iov_len: bytes.count - offset),
                             iovec(iov_base: UnsafeMutableRawPointer(mutating: Self.zeroPage), iov_len: padding)]
                n = writev(fd, &parts, padding > 0 ? 2 : 1)
            } else {
                n = Foundation.write(fd, Self.zeroPage + (offset - bytes.count), total - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return ftruncate(fd, off_t(bytes.count)) == 0
    }

    /// A page of zeros for `write`'s padding (never written to).
    nonisolated(unsafe) static let zeroPage: UnsafeRawPointer = UnsafeRawPointer(UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 4096)
        .initializeMemory(as: UInt8.self, repeating: 0, count: 4096))

    /// Copies files into `folder` of the staging folder, over what an older build left there.
    private func copy(_ files: [String], from source: URL, to folder: String, in staging: Staging) throws {
        let fm = FileManager.default
        for file in files {
            let relative = folder.isEmpty ? file : folder + "/" + file
            if staging.wasWritten(relative) { continue }  // a generated file wins over an asset of the same name
            let target = staging.folder.appendingPathComponent(relative)
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            let data = try Data(contentsOf: source.appendingPathComponent(file))
            try data.write(to: target)
            staging.record([relative])
        }
    }
}
