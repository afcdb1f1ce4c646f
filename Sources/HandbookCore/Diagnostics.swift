import Foundation
import Synchronization

/// The named stages of a build, in order. Every diagnostic says which one found the problem.
public enum BuildStage: String, Sendable, CaseIterable {
    case load, parse, transform, render, index, emit
}

public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var stage: BuildStage
    public var file: String
    public var line: Int
    public var column: Int
    public var severity: Severity
    public var message: String
    public var hint: String?

    public init(stage: BuildStage, file: String, line: Int = 1, column: Int = 1, severity: Severity = .error,
                message: String, hint: String? = nil) {
        self.stage = stage
        self.file = file
        self.line = max(line, 1)
        self.column = max(column, 1)
        self.severity = severity
        self.message = message
        self.hint = hint
    }

    /// `file:line:col: error: [stage] message` plus an indented hint line, as compilers print them.
    public var description: String {
        var text = "\(file):\(line):\(column): \(severity.rawValue): [\(stage.rawValue)] \(message)"
        if let hint { text += "\n    hint: \(hint)" }
        return text
    }
}

/// Thrown when a stage ends with errors; carries every diagnostic found, not just the first.
public struct BuildFailure: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}

/// Maps byte offsets/columns of a source file to 1-based line and character columns.
public struct SourceText: Sendable {
    public let path: String
    /// The text columns are counted in. A page's is its body (the front matter's lines left empty: no column
    /// is asked for on them), whose storage the page shares, so a kept page holds its text once.
    private let text: String
    /// Where each line starts, found the first time a column is asked for (links to headings ask for one
    /// each, a few per page), so that a column costs a look-up instead of a walk over the lines before it.
    private let lineStarts = LineStarts()

    /// No copy of its own: the text's storage is shared. Lines are found when a column is asked for, not for
    /// every page.
    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }

    public init(path: String, bytes: [UInt8]) {
        self.init(path: path, text: String(decoding: bytes, as: UTF8.self))
    }

    /// The text's size in bytes.
    public var byteCount: Int { text.utf8.count }

    /// Converts cmark's byte column on a line into a column counted in characters (Unicode scalars).
    public func characterColumn(line: Int, byteColumn: Int) -> Int {
        guard line >= 1, byteColumn > 1 else { return max(byteColumn, 1) }
        var text = self.text  // shares the storage: `withUTF8` then copies nothing
        return text.withUTF8 { buffer -> Int in
            guard buffer.baseAddress != nil else { return line == 1 ? 1 : byteColumn }  // no text: as an empty line 1
            guard let start = lineStarts.start(of: line, in: buffer) else { return byteColumn }
            let end = min(start + byteColumn - 1, buffer.count)
            // One per byte that starts a scalar (is not 10xxxxxx), eight bytes at a time: a link's column
            // is asked for on every link to a heading, often at the end of a long line of Chinese text.
            var column = 1
            var offset = start
            let raw = UnsafeRawPointer(buffer.baseAddress!)
            while offset + 8 <= end {
                let w = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                let continuation = w & ~(w << 1) & 0x8080_8080_8080_8080  // bit 7 set, bit 6 clear
                column += 8 - continuation.nonzeroBitCount
                offset += 8
            }
            while offset < end {
                if buffer[offset] & 0xC0 != 0x80 { column += 1 }
                offset += 1
            }
            return column
        }
    }
}

/// The byte offset where each line of a file starts (after every newline, found with memchr), made once.
private final class LineStarts: Sendable {
    private let starts = Mutex<[Int]?>(nil)

    /// Where 1-based `line` starts, or nil past the last line.
    func start(of line: Int, in buffer: UnsafeBufferPointer<UInt8>) -> Int? {
        starts.withLock { starts in
            if starts == nil {
                var found = [0]
                let base = buffer.baseAddress!
                var offset = 0
                while offset < buffer.count, let newline = memchr(base + offset, 0x0A, buffer.count - offset) {
                    offset = base.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
                    found.append(offset)
                }
                starts = found
            }
            return line <= starts!.count ? starts![line - 1] : nil
        }
    }
}
