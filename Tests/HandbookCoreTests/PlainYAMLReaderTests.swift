import Foundation
import Testing
import Yams
@testable import HandbookCore

/// `PlainYAMLReader` must give, for every document it reads, the tree libyaml and Yams give
/// (`PlainYAML.compose`): structure, keys, scalar strings, styles, tags and every mark. Documents it does not
/// read go the Yams way, so the tests also hold that it reads what blocks are usually written in.
struct PlainYAMLReaderTests {
    /// The tree as text: kinds, strings, styles, tags and marks.
    static func describe(_ node: PlainNode) -> String {
        let mark = node.mark.map { "@\($0.line):\($0.column)" } ?? "@-"
        switch node.content {
        case .scalar(let scalar):
            return "S\(mark)(\(scalar.style),\(scalar.tag.rawValue),\(scalar.string.debugDescription))"
        case .sequence(let items):
            return "Q\(mark)[" + items.map(describe).joined(separator: ", ") + "]"
        case .mapping(let keys, let values):
            let pairs = keys.indices.map { i in
                "\(keys[i].debugDescription)\(node.keyMarks[i].map { "@\($0.line):\($0.column)" } ?? "@-")=\(describe(values[i]))"
            }
            return "M\(mark){" + pairs.joined(separator: ", ") + "}"
        }
    }

    /// Nil when the reader does not take the document; else whether libyaml reads the same tree.
    static func agrees(_ yaml: String) -> (read: Bool, same: Bool, reader: String, yams: String) {
        guard let read = PlainYAMLReader.read(yaml) else { return (false, true, "", "") }
        let reader = describe(read)
        guard let composed = PlainYAML.compose(yaml) else { return (true, false, reader, "Yams: not plain or not valid") }
        let yams = describe(composed.tree)
        return (true, reader == yams, reader, yams)
    }

    /// Every checklist and quiz block in the real handbook's pages.
    static func handbookBlocks() throws -> [String] {
        var blocks: [String] = []
        let content = RealHandbookTests.repo.appendingPathComponent("content")
        for name in try FileManager.default.contentsOfDirectory(atPath: content.path).sorted() where name.hasSuffix(".md") {
            let text = try String(contentsOf: content.appendingPathComponent(name), encoding: .utf8)
            for fence in text.components(separatedBy: "\n```").dropFirst() {
                let info = fence.prefix { $0 != "\n" }
                guard info == "checklist" || info == "quiz" else { continue }
                blocks.append(String(fence.dropFirst(info.count + 1)))
            }
        }
        return blocks
    }

    /// What the benchmark's corpus and the tests write, and the shapes the reader must take.
    static let written: [String] = [
        DefinitionDecodingTests.quiz,
        "id: a\nlist:\n- x\n- 'y'\nnext: 1\n",
        "id: a\nnested:\n  deeper:\n    - {k: v}\n    -   [1, 2]\n    - key: 1\n      other: \"two\"\n  back: 3\n",
        "id: a\n\n\ntitle:   spaced   \nq: 'it''s'\nd: \"#第1条\"\nu: http://x/y#z\nc: a,b[c]{d}\n",
        "\"quoted\": 1\n'single': [ a , 'b' , \"c\" ]\nempty: {}\nnone: []\n",
        "id: 第1条\nx: -3\ny: -a\nz: [-1, -b]\nw: a :b\nv: a#b\n",
        "seq:\n  -\n    a: 1\n  - b\n",
        "q: \"say \\\"yes\\\" \\\\ a\\/b\"\n",
    ]

    /// Documents the reader leaves to Yams (each either unusual or not valid YAML).
    static let leftToYams: [String] = [
        "# comment\nid: a\n", "id: a # comment\n", "id: a\n  b\n", "id: |\n  text\n", "id: >\n  text\n",
        "id: &a x\nb: *a\n", "id: !!str 1\n", "%YAML 1.1\n---\nid: a\n", "---\nid: a\n", "id: \"a\\nb\"\n",
        "id: \"open\n", "id: [a,\n  b]\n", "id: {a: 1,}\n", "id: [a, ]\n", "id:\n", "id: a\nid: b\n", "id: {a: 1, a: 2}\n",
        "? id\n: a\n", "yes: 1\n", "id: {a:1}\n", "id: [a: b]\n", "id: a: b\n", "id:\tx\n", "id: a\r\n", "- a\n- b\n",
        "  id: a\n", "id: a\n- b\n", "id: x\u{85}y\n", "id: x\u{2028}y\n", "id: \u{FEFF}x\n", "id: @x\n", "id: `x\n",
        "id: [a, b] c\n", "seq:\n  - a\n  b: 1\n", "id: 'a\n", "", "seq:\n  - - a\n", "id: \"\\t\"\n", "id: \"a\\\n",
    ]

    @Test func readsWhatBlocksAreWrittenInAsYamsDoes() throws {
        let blocks = try Self.handbookBlocks()
        #expect(blocks.count >= 10)
        for yaml in blocks + Self.written {
            let result = Self.agrees(yaml)
            #expect(result.read, "the reader takes:\n\(yaml)")
            #expect(result.same, "\(yaml)\nreader: \(result.reader)\nYams:   \(result.yams)")
        }
    }

    @Test func leavesTheRestToYams() {
        for yaml in Self.leftToYams {
            #expect(PlainYAMLReader.read(yaml) == nil, "left to Yams: \(yaml.debugDescription)")
        }
    }

    /// Random edits of real blocks with YAML's special characters: whatever the reader still takes, libyaml
    /// takes too and reads the same; and decoding, validation and cite positions stay as they were.
    @Test func randomEditsReadAsYamsDoesOrGoToYams() throws {
        let blocks = try Self.handbookBlocks() + Self.written
        let alphabet: [String] = [":", ": ", "-", "- ", "#", " #", "{", "}", "[", "]", ",", ", ", "\"", "'", "''", "\n", "\n  ", "\n- ",
                                  " ", "  ", "\t", "&", "*", "!", "|", ">", "?", "%", "@", "`", "~", "中", "é", "1", "a", "\\", "\r"]
        var generator = SplitMix(seed: 20261123)
        var read = 0
        for round in 0..<3000 {
            var bytes = Array(blocks[round % blocks.count].unicodeScalars)
            for _ in 0..<(1 + generator.next(3)) {
                guard !bytes.isEmpty else { break }
                let at = Int(generator.next(bytes.count))
                let insert = Array(alphabet[generator.next(alphabet.count)].unicodeScalars)
                switch generator.next(3) {
                case 0: bytes.insert(contentsOf: insert, at: at)
                case 1: bytes.replaceSubrange(at..<min(at + 1 + generator.next(4), bytes.count), with: insert)
                default: bytes.removeSubrange(at..<min(at + 1 + generator.next(4), bytes.count))
                }
            }
            var yaml = ""
            yaml.unicodeScalars.append(contentsOf: bytes)
            let result = Self.agrees(yaml)
            if result.read { read += 1 }
            #expect(result.same, "\(yaml)\nreader: \(result.reader)\nYams:   \(result.yams)")
            if result.read {
                let checklist = DefinitionDecodingTests.checkChecklist(yaml), quiz = DefinitionDecodingTests.checkQuiz(yaml)
                #expect(checklist.same && quiz.same, "\(yaml)\nbefore: \(checklist.before)\(quiz.before)\nnow: \(checklist.now)\(quiz.now)")
            }
        }
        #expect(read > 500, "edits the reader still takes: \(read)")
    }
}

