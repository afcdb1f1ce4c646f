import Foundation

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
    private let bytes: [UInt8]

    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// From the file's UTF-8 bytes as read (no copy of its own). Lines are found when a column is asked for
    /// (a few times per page at most: fenced blocks, links to headings, diagnostics), not for every page.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    /// The file's size in bytes.
    public var byteCount: Int { bytes.count }

    /// Converts cmark's byte column on a line into a column counted in characters (Unicode scalars).
    public func characterColumn(line: Int, byteColumn: Int) -> Int {
        guard line >= 1, byteColumn > 1 else { return max(byteColumn, 1) }
        return bytes.withUnsafeBufferPointer { buffer -> Int in
            guard let base = buffer.baseAddress else { return line == 1 ? 1 : byteColumn }  // no text: as an empty line 1
            // The start of `line`: after the (line - 1)th newline, found with memchr.
            var start = 0
            for _ in 1..<line {
                guard start < buffer.count, let newline = memchr(base + start, 0x0A, buffer.count - start) else { return byteColumn }
                start = base.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
            }
            let end = min(start + byteColumn - 1, buffer.count)
            var column = 1
            var offset = start
            while offset < end {
                if buffer[offset] & 0xC0 != 0x80 { column += 1 }
                offset += 1
            }
            return column
        }
    }
}
