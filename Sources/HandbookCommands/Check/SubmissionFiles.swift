import Foundation
import HandbookForms

/// Walks files and folders lazily (so 100,000 submissions never sit in memory at once) and reads each
/// JSON file with a size limit.
struct SubmissionFiles: Sequence, IteratorProtocol {
    static let maximumBytes = 2 * 1024 * 1024

    /// Whether the bytes are valid UTF-8 (without building a string).
    static func isValidUTF8(_ data: Data) -> Bool {
        // The standard library's validator works on the contiguous bytes (the iterator decoded scalar by scalar).
        data.withUnsafeBytes { String(validating: $0.bindMemory(to: UInt8.self), as: UTF8.self) != nil }
    }


    /// Paths still to visit, and for each open folder its sorted entries: reports come out in a stable
    /// order, and only the names of the folders being walked are held in memory.
    private var pending: [String]
    private var folders: [(path: String, entries: [String], next: Int)] = []

    init(_ paths: [String]) {
        pending = paths.reversed()
    }

    mutating func next() -> String? {
        let fm = FileManager.default
        while true {
            if var top = folders.popLast() {
                guard top.next < top.entries.count else { continue }
                let path = top.path + "/" + top.entries[top.next]
                top.next += 1
                folders.append(top)
                var isDir: ObjCBool = false
                guard fm.fileExists(atPath: path, isDirectory: &isDir) else { continue }
                if isDir.boolValue {
                    folders.append((path, ((try? fm.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }.sorted(), 0))
                } else if path.hasSuffix(".json") {
                    return path
                }
                continue
            }
            guard let path = pending.popLast() else { return nil }
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
                let base = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
                folders.append((base, ((try? fm.contentsOfDirectory(atPath: base)) ?? []).filter { !$0.hasPrefix(".") }.sorted(), 0))
                continue
            }
            return path
        }
    }

    enum ReadError: Error, CustomStringConvertible {
        case unreadable, tooLarge(Int), notUTF8, malformed(String)

        var description: String {
            switch self {
            case .unreadable: return "无法读取文件 (cannot read the file)"
            case .tooLarge(let bytes): return "文件过大：\(bytes) 字节，上限 \(SubmissionFiles.maximumBytes) 字节 (the file is too large for a submission)"
            case .notUTF8: return "文件不是 UTF-8 文本 (the file is not UTF-8 text)"
            case .malformed(let detail): return "不是有效的 JSON (malformed JSON): \(detail)"
            }
        }
    }

    static func read(_ path: String) -> Result<JSONValue, ReadError> {
        guard let handle = FileHandle(forReadingAtPath: path) else { return .failure(.unreadable) }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: maximumBytes + 1) ?? Data() else { return .failure(.unreadable) }
        if data.count > maximumBytes { return .failure(.tooLarge(data.count)) }
        guard SubmissionFiles.isValidUTF8(data) else { return .failure(.notUTF8) }
        do {
            return .success(try JSONParser.parse(data))
        } catch {
            return .failure(.malformed(error.description))
        }
    }
}
