import Foundation

/// The emit stage: writes everything into a fresh folder beside the output, then swaps it in.
/// If anything fails, the temporary folder is removed and the previous output is left untouched.
struct Emitter {
    let site: LoadedSite

    /// A private folder beside the output that the build writes into and that is swapped in at the end.
    struct Staging: Sendable {
        let folder: URL
        var path: String { folder.path }
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

    /// Creates an empty staging folder. Until `finish`, the previous output is untouched.
    func begin() throws(BuildFailure) -> Staging {
        let fm = FileManager.default
        let output = site.outputDirectory
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).staging-\(pid)")
        do {
            try? fm.removeItem(at: staging)
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw failure(error)
        }
        return Staging(folder: staging)
    }

    /// Creates the folders the site-relative `paths` need in the staging folder (before parallel writes).
    func makeFolders(for paths: some Sequence<String>, in staging: Staging) throws(BuildFailure) {
        let folders = Set(paths.map { ($0 as NSString).deletingLastPathComponent })
        do {
            for folder in folders.sorted() where !folder.isEmpty {
                try FileManager.default.createDirectory(at: staging.folder.appendingPathComponent(folder), withIntermediateDirectories: true)
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
        if let failed = failures.compactMap({ $0 }).first { throw failure(CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: failed])) }
    }

    /// Copies the theme's and the content's assets into the staging folder, then swaps it in for the output.
    func finish(_ staging: Staging) throws(BuildFailure) {
        let fm = FileManager.default
        let output = site.outputDirectory
        let retired = output.deletingLastPathComponent()
            .appendingPathComponent(".\(output.lastPathComponent).old-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try copy(site.theme.assetFiles, from: site.theme.directory.appendingPathComponent("assets"), to: staging.folder.appendingPathComponent("assets"))
            try copy(site.contentAssets, from: site.contentDirectory, to: staging.folder)
            if fm.fileExists(atPath: output.path) {
                try fm.moveItem(at: output, to: retired)
                do {
                    try fm.moveItem(at: staging.folder, to: output)
                } catch {
                    try? fm.moveItem(at: retired, to: output)
                    throw error
                }
                try? fm.removeItem(at: retired)
            } else {
                try fm.moveItem(at: staging.folder, to: output)
            }
        } catch {
            abandon(staging)
            throw failure(error)
        }
    }

    /// Removes the staging folder after a failed build; the previous output stays as it was.
    func abandon(_ staging: Staging) {
        try? FileManager.default.removeItem(at: staging.folder)
    }

    func failure(_ error: any Error) -> BuildFailure {
        BuildFailure([Diagnostic(stage: .emit, file: site.config.outputDirectory, message: "cannot write the site: \(error.localizedDescription)",
                                 hint: "check that the folder is writable and the disk is not full")])
    }

    /// Writes a new file in the staging folder with plain POSIX calls: the folder is private to this build
    /// and swapped in whole, so per-file atomic writes (a temporary file and a rename each) are not needed.
    static func write(_ text: String, to path: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes -> Bool in
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            var offset = 0
            while offset < bytes.count {
                let n = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
    }

    private func copy(_ files: [String], from source: URL, to destination: URL) throws {
        let fm = FileManager.default
        for file in files {
            let target = destination.appendingPathComponent(file)
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            if fm.fileExists(atPath: target.path) { continue }
            try fm.copyItem(at: source.appendingPathComponent(file), to: target)
        }
    }
}
