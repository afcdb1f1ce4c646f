import Foundation
import Testing
@testable import CmarkBridge

/// Runs the 652 CommonMark 0.30 examples through `CmarkParser` + `HTMLRenderer` and compares the result
/// with the `cmark` command (the same libcmark 0.30.2) in trusted (`--unsafe`) and safe mode.
struct ConformanceTests {
    struct Example: Decodable {
        let markdown: String
        let html: String
        let example: Int
        let section: String
    }

    static let specURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/testdata/commonmark-spec-0.30.json")

    static func loadExamples() throws -> [Example] {
        try JSONDecoder().decode([Example].self, from: Data(contentsOf: specURL))
    }

    /// Runs `cmark [--unsafe]` on every example in one batch per mode (one process per example).
    static func referenceOutputs(_ examples: [Example], unsafe: Bool) throws -> [String] {
        try examples.map { example in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/cmark")
            process.arguments = unsafe ? ["--unsafe"] : []
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            input.fileHandleForWriting.write(Data(example.markdown.utf8))
            try input.fileHandleForWriting.close()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
    }

    static func withoutHeadingIDs(_ html: String) -> String {
        html.replacingOccurrences(of: #"(<h[1-6]) id="[^"]*""#, with: "$1", options: .regularExpression)
    }

    /// Gives every heading an id, as the generator does, so the test proves ids are the only difference.
    static func withAnchors(_ tree: MarkdownTree, counter: inout Int) -> MarkdownTree {
        var copy = tree
        for index in tree.nodes.indices where tree[index].kind == .heading {
            counter += 1
            copy.setAnchor("h-\(counter)", of: index)
        }
        return copy
    }

    static func rawHTML(in tree: MarkdownTree) -> [String] {
        tree.nodes.indices.compactMap { index in
            tree[index].kind == .htmlBlock || tree[index].kind == .htmlInline ? tree.string(tree[index].first) : nil
        }
    }

    @Test func specHasAll652Examples() throws {
        #expect(try Self.loadExamples().count == 652)
    }

    @Test func trustedModeMatchesCmarkUnsafe() throws {
        let examples = try Self.loadExamples()
        let expected = try Self.referenceOutputs(examples, unsafe: true)
        let renderer = HTMLRenderer(allowRawHTML: true)
        var failures: [Int] = []
        for (example, reference) in zip(examples, expected) {
            var counter = 0
            let tree = Self.withAnchors(CmarkParser.parse(example.markdown), counter: &counter)
            let ours = renderer.render(tree)
            if Self.withoutHeadingIDs(ours) != reference { failures.append(example.example) }
        }
        #expect(failures.isEmpty, "examples differing from cmark --unsafe: \(failures)")
        #expect(examples.count - failures.count == 652)
    }

    @Test func safeModeMatchesCmarkAndDropsRawHTML() throws {
        let examples = try Self.loadExamples()
        let expected = try Self.referenceOutputs(examples, unsafe: false)
        let renderer = HTMLRenderer(allowRawHTML: false)
        var mismatches: [Int] = []
        var leaks: [Int] = []
        for (example, reference) in zip(examples, expected) {
            let tree = CmarkParser.parse(example.markdown)
            let ours = renderer.render(tree)
            if ours != reference { mismatches.append(example.example) }
            for raw in Self.rawHTML(in: tree) {
                let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.isEmpty && ours.contains(trimmed) { leaks.append(example.example) }
            }
        }
        #expect(mismatches.isEmpty, "examples differing from cmark (safe): \(mismatches)")
        #expect(leaks.isEmpty, "raw HTML leaked in safe mode: \(leaks)")
    }
}
