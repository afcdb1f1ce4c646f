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
        let newest = (changed.union(added)).compactMap { new.files[$0]?.modified }.max() ?? Date().timeIntervalSince1970
        return make(changed: changed, added: added, removed: removed, newest: newest, contentDirectory: contentDirectory)
    }

    static func make(changed: Set<String>, added: Set<String>, removed: Set<String>, newest: Double, contentDirectory: URL) -> WatchedChange {
        let base = contentDirectory.standardizedFileURL.path + "/"
        var pages = Set<String>()
        var other: [String] = []
        for path in changed {
            if path.hasPrefix(base), path.hasSuffix(".md") { pages.insert(String(path.dropFirst(base.count))) } else { other.append(path) }
        }
        other += added.sorted() + removed.sorted()
        return WatchedChange(pages: pages, other: other.sorted(), newestChange: newest)
    }
}

/// Polls a tree cheaply: one `fstatat` per known file through an open descriptor of its folder, no path
/// strings made; a folder whose own modification time changed (a file added, removed or renamed in it)
/// is scanned again in full.
public final class TreeWatcher {
    struct Entry {
        var name: [CChar]
        var path: String
        var stamp: FileSnapshot.Stamp
    }
    struct Folder {
        var path: String
        var descriptor: Int32
        var stamp: FileSnapshot.Stamp?
        var entries: [Entry]
    }

    let folders: [URL]
    let singles: [URL]
    private var tree: [Folder] = []
    private var singleStamps: [String: FileSnapshot.Stamp] = [:]
    private(set) var snapshot = FileSnapshot()

    public init(folders: [URL], files: [URL]) {
        self.folders = folders.map(\.standardizedFileURL)
        self.singles = files.map(\.standardizedFileURL)
        rescan()
    }

    deinit { close() }

    public var fileCount: Int { snapshot.files.count }

    /// Every folder polled, and the folders holding the single files (for `ChangeNotifier`).
    public var folderPaths: [String] { tree.map(\.path) + singles.map { $0.deletingLastPathComponent().path } }

    private func close() {
        for folder in tree where folder.descriptor >= 0 {
            #if canImport(Glibc)
            _ = Glibc.close(folder.descriptor)
            #else
            _ = Darwin.close(folder.descriptor)
            #endif
        }
        tree.removeAll()
    }

    /// Scans everything again (at start, and when a folder changed).
    private func rescan() {
        close()
        snapshot = FileSnapshot.scan(folders: folders, files: singles)
        var byFolder: [String: [Entry]] = [:]
        for (path, stamp) in snapshot.files {
            let folder = (path as NSString).deletingLastPathComponent
            byFolder[folder, default: []].append(Entry(name: Array((path as NSString).lastPathComponent.utf8CString), path: path, stamp: stamp))
        }
        var folderPaths = Set(byFolder.keys)
        for root in folders { addFolders(root.path, into: &folderPaths) }
        for path in folderPaths.sorted() {
            let fd = open(path, O_RDONLY | O_DIRECTORY)
            var info = stat()
            let stamp: FileSnapshot.Stamp? = fd >= 0 && fstat(fd, &info) == 0 ? Self.stamp(info) : nil
            tree.append(Folder(path: path, descriptor: fd, stamp: stamp, entries: byFolder[path] ?? []))
        }
        singleStamps = [:]
        for file in singles { singleStamps[file.path] = FileSnapshot.stamp(file.path) }
    }

    private func addFolders(_ path: String, into set: inout Set<String>) {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return }
        set.insert(path)
        guard let dir = opendir(path) else { return }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
            if name.hasPrefix(".") { continue }
            if entry.pointee.d_type == UInt8(DT_DIR) { addFolders(path + "/" + name, into: &set) }
        }
    }

    static func stamp(_ info: stat) -> FileSnapshot.Stamp {
        #if canImport(Darwin)
        FileSnapshot.Stamp(seconds: Int(info.st_mtimespec.tv_sec), nanoseconds: Int(info.st_mtimespec.tv_nsec), size: Int64(info.st_size), inode: UInt64(info.st_ino))
        #else
        FileSnapshot.Stamp(seconds: Int(info.st_mtim.tv_sec), nanoseconds: Int(info.st_mtim.tv_nsec), size: Int64(info.st_size), inode: UInt64(info.st_ino))
        #endif
    }

    /// What changed since the last poll (nil: nothing). With `only`, just those folders are looked at (the
    /// ones inotify named), and the single files only when their folder is among them.
    public func poll(contentDirectory: URL, only: Set<String>? = nil) -> WatchedChange? {
        let before = snapshot
        var changed = Set<String>()
        var newest = 0.0
        var foldersChanged = false
        var info = stat()
        for f in tree.indices {
            let folder = tree[f]
            if let only, !only.contains(folder.path) { continue }
            let now: FileSnapshot.Stamp? = folder.descriptor >= 0 && fstat(folder.descriptor, &info) == 0 ? Self.stamp(info) : nil
            if now != folder.stamp || folder.descriptor < 0 { foldersChanged = true; break }
            for e in folder.entries.indices {
                let ok = folder.entries[e].name.withUnsafeBufferPointer { fstatat(folder.descriptor, $0.baseAddress!, &info, 0) == 0 }
                let stamp: FileSnapshot.Stamp? = ok ? Self.stamp(info) : nil
                if stamp != folder.entries[e].stamp {
                    if stamp == nil { foldersChanged = true; break }
                    changed.insert(folder.entries[e].path)
                    tree[f].entries[e].stamp = stamp!
                    snapshot.files[folder.entries[e].path] = stamp!
                    newest = max(newest, stamp!.modified)
                }
            }
            if foldersChanged { break }
        }
        for file in singles {
            if let only, !only.contains(file.deletingLastPathComponent().path) { continue }
            let stamp = FileSnapshot.stamp(file.path)
            if stamp != singleStamps[file.path] {
                foldersChanged = true
            }
        }
        if foldersChanged {
            rescan()
            let change = WatchedChange.classify(snapshot, since: before, contentDirectory: contentDirectory)
            return change.isEmpty ? nil : change
        }
        if changed.isEmpty { return nil }
        return WatchedChange.make(changed: changed, added: [], removed: [], newest: newest, contentDirectory: contentDirectory)
    }
}

/// Wakes the watcher as soon as a file in a watched folder is written, renamed, created or removed
/// (Linux inotify), so a change is noticed in about a millisecond instead of up to one poll interval.
/// It only says *that* something happened; `TreeWatcher.poll` still works out *what*. Where inotify is not
/// available (or its watch limit is reached) `wait` simply sleeps for the interval and polling does the work.
public final class ChangeNotifier {
    #if os(Linux)
    private let descriptor: Int32
    /// Woken on completed writes (not on each `write` call, so a half-written file is not read), renames,
    /// new and removed entries, and `touch`.
    private static let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB)
    #endif
    /// Watch descriptor → folder.
    private var folders: [Int32: String] = [:]
    /// Set when the kernel's event queue overflowed (events were lost); `takeOverflow` reads and clears it.
    private var overflowed = false
    /// Folders currently watched.
    public var watched: Int { folders.count }

    public init() {
        #if os(Linux)
        descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        #endif
    }

    deinit {
        #if os(Linux)
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        #endif
    }

    /// Whether changes wake `wait` early (false: plain polling).
    public var isActive: Bool {
        #if os(Linux)
        return descriptor >= 0 && watched > 0
        #else
        return false
        #endif
    }

    /// Adds the folders (adding one again is harmless), e.g. after a rescan found new ones.
    public func watch(_ folders: [String]) {
        #if os(Linux)
        guard descriptor >= 0 else { return }
        for folder in Set(folders) {
            let wd = inotify_add_watch(descriptor, folder, Self.mask)
            if wd >= 0 { self.folders[wd] = folder }
        }
        #endif
    }

    /// Waits until a watched folder changes or `timeout` seconds pass. Returns the folders that changed when
    /// woken by a change (nil when the time ran out, or when inotify lost events and everything must be polled).
    public func wait(timeout: Double) -> Set<String>? {
        #if os(Linux)
        if isActive {
            var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&request, 1, Int32(max(1, timeout * 1000))) > 0 else { return nil }
            return drain()
        }
        #endif
        Thread.sleep(forTimeInterval: timeout)
        return nil
    }

    #if os(Linux)
    /// Reads every pending event: the folders they happened in; nil after a queue overflow.
    private func drain() -> Set<String>? {
        var changed = Set<String>()
        var overflow = false
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            var offset = 0
            buffer.withUnsafeBytes { raw in
                while offset + MemoryLayout<inotify_event>.size <= count {
                    let wd = raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                    let mask = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                    let length = raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)
                    if mask & UInt32(IN_Q_OVERFLOW) != 0 { overflow = true }
                    if let folder = folders[wd] { changed.insert(folder) }
                    offset += MemoryLayout<inotify_event>.size + Int(length)
                }
            }
        }
        if overflow { overflowed = true }
        return overflow ? nil : changed
    }
    #endif

    /// Whether events were lost since the last call, so that everything must be looked at.
    public func takeOverflow() -> Bool {
        defer { overflowed = false }
        return overflowed
    }
}
