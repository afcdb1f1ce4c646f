import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Polls modification times under some folders (portable: `stat` only, no inotify or FSEvents).
/// A scan of 5,000 files takes a few milliseconds, so polling every 50–100 ms is cheap.
public struct FileSnapshot: Sendable, Equatable {
    public struct Stamp: Sendable, Equatable {
        var seconds: Int
        var nanoseconds: Int
        var size: Int64
        var inode: UInt64

        /// The modification time as seconds since 1970.
        public var modified: Double { Double(seconds) + Double(nanoseconds) / 1e9 }
    }

    /// Absolute path → stamp.
    public var files: [String: Stamp] = [:]

    public init() {}

    /// Regular files below each folder (skipping dot files and folders), and the given single files.
    public static func scan(folders: [URL], files singles: [URL] = []) -> FileSnapshot {
        var snapshot = FileSnapshot()
        for folder in folders { walk(folder.standardizedFileURL.path, into: &snapshot.files) }
        for file in singles {
            if let stamp = stamp(file.standardizedFileURL.path) { snapshot.files[file.standardizedFileURL.path] = stamp }
        }
        return snapshot
    }

    static func stamp(_ path: String) -> Stamp? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        #if canImport(Darwin)
        let (s, ns) = (Int(info.st_mtimespec.tv_sec), Int(info.st_mtimespec.tv_nsec))
        #else
        let (s, ns) = (Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec))
        #endif
        return Stamp(seconds: s, nanoseconds: ns, size: Int64(info.st_size), inode: UInt64(info.st_ino))
    }

    private static func walk(_ folder: String, into files: inout [String: Stamp]) {
        guard let dir = opendir(folder) else { return }
        defer { closedir(dir) }
        let descriptor = dirfd(dir)
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name.hasPrefix(".") { continue }
            var info = stat()
            guard fstatat(descriptor, name, &info, 0) == 0 else { continue }
            let path = folder + "/" + name
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                walk(path, into: &files)
            case S_IFREG:
                #if canImport(Darwin)
                let (s, ns) = (Int(info.st_mtimespec.tv_sec), Int(info.st_mtimespec.tv_nsec))
                #else
                let (s, ns) = (Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec))
                #endif
                files[path] = Stamp(seconds: s, nanoseconds: ns, size: Int64(info.st_size), inode: UInt64(info.st_ino))
            default:
                continue
            }
        }
    }

    /// Paths added, removed or changed between two snapshots.
    public func changes(since old: FileSnapshot) -> (changed: Set<String>, added: Set<String>, removed: Set<String>) {
        var changed = Set<String>(), added = Set<String>(), removed = Set<String>()
        for (path, stamp) in files {
            if let before = old.files[path] {
                if before != stamp { changed.insert(path) }
            } else {
                added.insert(path)
            }
        }
        for path in old.files.keys where files[path] == nil { removed.insert(path) }
        return (changed, added, removed)
    }
}

/// A classified change: Markdown pages that existed before and still exist, and whether anything else changed.
public struct WatchedChange: Sendable {
    /// Relative to the content folder.
    public var pages: Set<String>
    /// Theme, config, calendar, content assets, pages added or removed.
    public var other: [String]
    /// The newest modification time among the changed files (seconds since 1970).
    public var newestChange: Double

    public var isEmpty: Bool { pages.isEmpty && other.isEmpty }

    public static func classify(_ new: FileSnapshot, since old: FileSnapshot, contentDirectory: URL) -> WatchedChange {
        let (changed, added, removed) = new.changes(since: old)
        let base = contentDirectory.standardizedFileURL.path + "/"
        var pages = Set<String>()
        var other: [String] = []
        for path in changed {
            if path.hasPrefix(base), path.hasSuffix(".md") { pages.insert(String(path.dropFirst(base.count))) } else { other.append(path) }
        }
        other += added.sorted() + removed.sorted()
        let newest = (changed.union(added)).compactMap { new.files[$0]?.modified }.max() ?? Date().timeIntervalSince1970
        return WatchedChange(pages: pages, other: other.sorted(), newestChange: newest)
    }
}
