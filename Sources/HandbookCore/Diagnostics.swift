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
    private let lineStarts: [Int]
    private let bytes: [UInt8]

    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// From the file's UTF-8 bytes as read (no copy of its own).
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        var starts = [0]
        bytes.withUnsafeBufferPointer { buffer in
            for offset in 0..<buffer.count where buffer[offset] == UInt8(ascii: "\n") { starts.append(offset + 1) }
        }
        self.lineStarts = starts
    }

    /// Converts cmark's byte column on a line into a column counted in characters (Unicode scalars).
    public func characterColumn(line: Int, byteColumn: Int) -> Int {
        guard line >= 1, line <= lineStarts.count, byteColumn > 1 else { return max(byteColumn, 1) }
        let start = lineStarts[line - 1]
        let end = min(start + byteColumn - 1, bytes.count)
        var column = 1
        var offset = start
        while offset < end {
            let byte = bytes[offset]
            if byte & 0xC0 != 0x80 { column += 1 }
            offset += 1
        }
        return column
    }
}
