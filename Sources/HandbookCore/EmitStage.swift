import Foundation

/// The emit stage: writes everything into a fresh folder beside the output, then swaps it in.
/// If anything fails, the temporary folder is removed and the previous output is left untouched.
struct Emitter {
    let site: LoadedSite

    func emit(_ files: [String: String]) throws(BuildFailure) {
        let fm = FileManager.default
        let output = site.outputDirectory
        let parent = output.deletingLastPathComponent()
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent.appendingPathComponent(".\(output.lastPathComponent).staging-\(pid)")
        let retired = parent.appendingPathComponent(".\(output.lastPathComponent).old-\(pid)")
        let display = site.config.outputDirectory
        do {
            try? fm.removeItem(at: staging)
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
            let folders = Set(files.keys.map { ($0 as NSString).deletingLastPathComponent })
            for folder in folders.sorted() where !folder.isEmpty {
                try fm.createDirectory(at: staging.appendingPathComponent(folder), withIntermediateDirectories: true)
            }
            let entries = Array(files)
            let stagingPath = staging.path
            let failures = entries.parallelMap { entry -> String? in
                Self.write(entry.value, to: stagingPath + "/" + entry.key) ? nil : entry.key
            }
            if let failed = failures.compactMap({ $0 }).first {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: failed])
            }
            try copy(site.theme.assetFiles, from: site.theme.directory.appendingPathComponent("assets"), to: staging.appendingPathComponent("assets"))
            try copy(site.contentAssets, from: site.contentDirectory, to: staging)
            if fm.fileExists(atPath: output.path) {
                try fm.moveItem(at: output, to: retired)
                do {
                    try fm.moveItem(at: staging, to: output)
                } catch {
                    try? fm.moveItem(at: retired, to: output)
                    throw error
                }
                try? fm.removeItem(at: retired)
            } else {
                try fm.moveItem(at: staging, to: output)
            }
        } catch {
            try? fm.removeItem(at: staging)
            throw BuildFailure([Diagnostic(stage: .emit, file: display, message: "cannot write the site: \(error.localizedDescription)",
                                           hint: "check that the folder is writable and the disk is not full")])
        }
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
