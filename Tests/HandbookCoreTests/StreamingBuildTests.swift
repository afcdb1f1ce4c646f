import Foundation
import Testing
@testable import HandbookCore

/// `Builder.build` streams each page from source to file on its own (`PageStream`). These tests hold it to
/// what the staged, in-memory pipeline (`SiteSession`, behind `handbook serve`) writes and reports.
struct StreamingBuildTests {
    static let transformers: [any BlockTransformer] = [ChecklistTransformer(), QuizTransformer()]

    /// A throwaway project: the handbook's theme, the given pages, and an output folder.
    struct Project {
        let root: URL

        init(pages: [String: String]) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("hb-stream-\(UUID().uuidString)")
            let fm = FileManager.default
            try fm.createDirectory(at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
            try fm.copyItem(at: RealHandbookTests.repo.appendingPathComponent("theme"), to: root.appendingPathComponent("theme"))
            try "title: 流式构建测试\nlanguage: zh-CN\n".write(to: root.appendingPathComponent("handbook.yml"), atomically: true, encoding: .utf8)
            for (path, text) in pages {
                let url = root.appendingPathComponent("content").appendingPathComponent(path)
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(to: url, atomically: true, encoding: .utf8)
            }
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    /// Builds `root` into a fresh folder with the streaming builder; returns the files and the log. With
    /// `memoryBudget`, both the pages' sources and the search index's data stay in memory only up to it.
    static func build(_ root: URL, memoryBudget: Int? = nil, timesStages: Bool = true) throws -> (files: [String: Data], log: [String]) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("hb-stream-out-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        var options = BuildOptions(root: root, transformers: transformers)
        options.outputOverride = output.path
        options.timesStages = timesStages
        if let memoryBudget {
            options.sourceBudget = memoryBudget
            options.indexMemoryBudget = memoryBudget
        }
        let lines = LogLines()
        _ = try Builder(options: options, log: { lines.append($0) }).build()
        return (IncrementalBuildTests.Scratch.files(in: output), lines.all)
    }

    /// The same project through `SiteSession` (parse, transform and render as separate passes over all pages).
    static func stagedBuild(_ root: URL) throws -> [String: Data] {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("hb-staged-out-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        var options = BuildOptions(root: root, transformers: transformers)
        options.outputOverride = output.path
        _ = try SiteSession(options: options).fullBuild()
        return IncrementalBuildTests.Scratch.files(in: output)
    }

    final class LogLines: @unchecked Sendable {
        private var lines: [String] = []
        private let lock = NSLock()
        func append(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    @Test func realHandbookMatchesStagedPipeline() throws {
        let streamed = try Self.build(RealHandbookTests.repo)
        let staged = try Self.stagedBuild(RealHandbookTests.repo)
        #expect(streamed.files.count > 20)
        #expect(IncrementalBuildTests.differing(streamed.files, staged).sorted() == [])
    }

    /// Without `timesStages` (a build without `--verbose`) no page's stages are timed: the streamed stages
    /// report no CPU of their own, and the site is the same.
    @Test func untimedStagesGiveTheSameSite() throws {
        // The real handbook: enough pages that the timed parse takes a measurable part of a millisecond.
        let root = RealHandbookTests.repo
        let timed = try Self.build(root), untimed = try Self.build(root, timesStages: false)
        #expect(!timed.files.isEmpty)
        #expect(IncrementalBuildTests.differing(timed.files, untimed.files).sorted() == [])
        func parseCPU(_ log: [String]) -> Double? {
            log.first { $0.contains("] parse") }.flatMap { line in
                line.range(of: #"cpu\s+([\d.]+) ms"#, options: .regularExpression).map {
                    Double(line[$0].dropFirst(3).dropLast(3).trimmingCharacters(in: .whitespaces)) ?? -1
                }
            }
        }
        #expect(parseCPU(timed.log).map { $0 > 0 } == true, "\(timed.log)")
        #expect(parseCPU(untimed.log) == 0, "\(untimed.log)")
    }

    /// Past the source budget every page is read again as it is streamed, and past the index's budget its data
    /// goes to the temporary file; the site is the same.
    @Test(arguments: ["forms-site", "basic"])
    func rereadingSourcesGivesTheSameSite(fixture: String) throws {
        let root = FixtureSiteTests.fixtures.appendingPathComponent(fixture)
        let kept = try Self.build(root)
        let reread = try Self.build(root, memoryBudget: 0)
        #expect(!kept.files.isEmpty)
        #expect(IncrementalBuildTests.differing(kept.files, reread.files).sorted() == [])
    }

    /// A page that shows how to write a quiz (inside a longer fence) makes the load stage guess that there
    /// are quizzes; there are none, so the pages are streamed again without the quizzes link.
    @Test func wrongQuizGuessIsCorrected() throws {
        let project = try Project(pages: [
            "01-intro.md": "---\ntitle: 简介\n---\n\n# 简介\n\n培训负责人按下面的格式写测验：\n\n````markdown\n```quiz\nid: q1\n```\n````\n",
            "02-next.md": "---\ntitle: 下一章\n---\n\n# 下一章\n\n正文。\n",
        ])
        defer { project.remove() }
        let (files, log) = try Self.build(project.root)
        #expect(log.contains { $0.contains("streaming the pages again") })
        let page = String(decoding: try #require(files["01-intro.html"]), as: UTF8.self)
        #expect(!page.contains("quizzes/index.html"))
        #expect(page.contains("```quiz"))
        #expect(IncrementalBuildTests.differing(files, try Self.stagedBuild(project.root)).sorted() == [])
    }

    /// A real quiz: the guess is right, the pages are streamed once, and every page links to the quizzes.
    @Test func rightQuizGuessStreamsOnce() throws {
        let quiz = """
        ```quiz
        id: intro-quiz
        title: 简介测验
        questions:
          - id: q1
            type: single
            prompt: 投诉应在多长时间内答复？
            options: [24小时, 一周]
            answer: 24小时
            cite: "#第1条"
        ```
        """
        let project = try Project(pages: [
            "01-intro.md": "---\ntitle: 简介\n---\n\n# 简介\n\n## 第1条 答复\n\n24小时内答复。\n\n" + quiz + "\n",
            "02-next.md": "---\ntitle: 下一章\n---\n\n# 下一章\n\n正文。\n",
        ])
        defer { project.remove() }
        let (files, log) = try Self.build(project.root)
        #expect(!log.contains { $0.contains("streaming the pages again") })
        let page = String(decoding: try #require(files["02-next.html"]), as: UTF8.self)
        #expect(page.contains("quizzes/index.html"))
        #expect(IncrementalBuildTests.differing(files, try Self.stagedBuild(project.root)).sorted() == [])
    }

    /// A site whose index is sharded: the index built while the pages stream (its postings in a temporary
    /// file) is the one the staged pipeline builds in memory, also when the pages are streamed a second time
    /// (a wrong quiz guess) and when every source is read again. The temporary file leaves nothing behind.
    @Test func streamedSearchIndexMatchesTheOneBuiltInMemory() throws {
        let words = Array("客户投诉受理回访满意度调查合同审核销售顾问服务经理工作日小时书面记录整改报告退款保修试驾交车")
        var rng: UInt64 = 5
        func pick() -> Character {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return words[Int(truncatingIfNeeded: rng >> 33) % words.count]
        }
        var pages: [String: String] = [:]
        for p in 0..<110 {
            var text = "---\ntitle: 第\(p + 1)章 \(String((0..<4).map { _ in pick() }))\n---\n\n"
            for h in 0..<11 {
                text += "## 第\(p * 11 + h + 1)条 \(String((0..<5).map { _ in pick() }))\n\n"
                text += String((0..<(40 + p % 30)).map { _ in pick() }) + "，须在\(h + 1)个工作日内完成。Form-\(p)-\(h) 记录。\n\n"
            }
            pages[String(format: "c%02d/%03d.md", p / 20, p)] = text
        }
        pages["c00/000-howto.md"] = "---\ntitle: 怎样写测验\n---\n\n# 怎样写测验\n\n````markdown\n```quiz\nid: q1\n```\n````\n"
        let project = try Project(pages: pages)
        defer { project.remove() }
        let (files, log) = try Self.build(project.root)
        #expect(log.contains { $0.contains("streaming the pages again") })
        #expect(files["assets/search/shard-0.js"] != nil)
        #expect(files["assets/search/docs-17.js"] != nil)  // over 1,100 sections, 64 to a docs file
        #expect(IncrementalBuildTests.differing(files, try Self.stagedBuild(project.root)).sorted() == [])
        let reread = try Self.build(project.root, memoryBudget: 0)
        #expect(IncrementalBuildTests.differing(files, reread.files).sorted() == [])
        #expect(!files.keys.contains { $0.contains(".handbook-index") })
    }

    /// Links to other pages' headings are checked after the stream; their diagnostics keep document order
    /// among the page's other link problems, with the same positions and hints as before.
    @Test func deferredAnchorChecksKeepDocumentOrder() throws {
        let project = try Project(pages: [
            "a.md": "---\ntitle: 甲\n---\n\n# 甲\n\n见[乙的第12](b.md#第12)。\n\n见[缺页](missing.md)。\n\n见[乙的第1条](b.md#第1条)和[本页](#甲)、[本页的下文](#附则)。\n\n"
                + "## 附则 见[缺页二](gone.md) {#附则}\n\n见[本页不存在的](#不存在)。\n",
            "b.md": "---\ntitle: 乙\n---\n\n# 乙\n\n## 第1条 受理\n\n正文。\n\n## 第12条 回访\n\n正文。\n",
        ])
        defer { project.remove() }
        var options = BuildOptions(root: project.root, transformers: Self.transformers)
        options.outputOverride = project.root.appendingPathComponent("site").path
        #expect {
            _ = try Builder(options: options).build()
        } throws: { error in
            let lines = (error as! BuildFailure).diagnostics.map(\.description)
            #expect(lines.count == 4, "\(lines)")
            guard lines.count == 4 else { return false }
            #expect(lines[0].hasPrefix("content/a.md:7:2: error: [transform] link to `b.md#第12`: b.md has no heading `#第12`"))
            #expect(lines[0].contains("did you mean #第12条?"))
            #expect(lines[1].hasPrefix("content/a.md:9:2: error: [transform] link to `missing.md`"))
            // `#附则` comes before its heading on the page and is fine; the link inside the heading is checked.
            #expect(lines[2].hasPrefix("content/a.md:13:8: error: [transform] link to `gone.md`"), "\(lines[2])")
            #expect(lines[3].hasPrefix("content/a.md:15:2: error: [transform] link to `#不存在`: a.md has no heading `#不存在`"), "\(lines[3])")
            return true
        }
        #expect(!FileManager.default.fileExists(atPath: project.root.appendingPathComponent("site").path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: project.root.path).filter { $0.hasPrefix(".site") }
        #expect(leftovers == [])
    }
}

/// The resolver the stream uses knows which pages exist but no anchors yet: every link to a heading waits.
struct DeferredLinkResolverTests {
    @Test func anchorsWaitPagesDoNot() {
        let resolver = LinkResolver(pages: ["a.md", "dir/b.md"], assets: ["img/logo.png"])
        #expect(resolver.resolve("dir/b.md#第3条", from: "a.md") == .unverifiedAnchor("dir/b.html#第3条", page: "dir/b.md", anchor: "第3条"))
        #expect(resolver.resolve("#x", from: "a.md") == .unverifiedAnchor("#x", page: "a.md", anchor: "x"))
        #expect(resolver.resolve("a.md#x", from: "a.md") == .unverifiedAnchor("a.html#x", page: "a.md", anchor: "x"))
        #expect(resolver.resolve("../a.md", from: "dir/b.md") == .rewritten("../a.html"))
        #expect(resolver.resolve("c.md#x", from: "a.md") == .missingPage("c.md"))
        #expect(resolver.resolve("img/logo.png", from: "a.md") == .external)
        #expect(resolver.resolve("https://example.com/#x", from: "a.md") == .external)
        #expect(resolver.resolve("#", from: "a.md") == .external)
    }
}

/// The streamed index's spill store: what is appended (from several threads) reads back the same, whether it
/// was kept in memory (up to the budget) or went to the temporary file.
struct SpillFileTests {
    @Test(arguments: [0, 20_000, 1 << 30])
    func appendsReadBack(memoryBudget: Int) throws {
        let directory = FileManager.default.temporaryDirectory.path
        let store = try #require(SpillFile(in: directory, memoryBudget: memoryBudget))
        let pieces = (0..<64).map { n in [UInt8]((0..<(n * 37 + 1)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ n) }) }
        let total = pieces.map(\.count).reduce(0, +)
        let offsets = pieces.parallelMap { piece in piece.withUnsafeBytes { store.append($0) } }
        for (piece, offset) in zip(pieces, offsets) {
            let offset = try #require(offset)
            var back = [UInt8](repeating: 0, count: piece.count)
            #expect(back.withUnsafeMutableBytes { store.read(at: offset, into: $0) })
            #expect(back == piece)
            // A part of an append reads back too.
            if piece.count > 10 {
                var part = [UInt8](repeating: 0, count: 5)
                #expect(part.withUnsafeMutableBytes { store.read(at: offset + 3, into: $0) })
                #expect(part == Array(piece[3..<8]))
            }
        }
        switch memoryBudget {
        case 0: #expect(store.memoryBytes == 0)
        case total...: #expect(store.memoryBytes == total)
        default: #expect(store.memoryBytes > 0 && store.memoryBytes <= memoryBudget)  // the rest went to the file
        }
        let end = offsets.compactMap { $0 }.max()! + pieces.map(\.count).max()!
        var past = [UInt8](repeating: 0, count: 16)
        #expect(!past.withUnsafeMutableBytes { store.read(at: end + 100, into: $0) })
        #expect(SpillFile(in: directory + "/no-such-folder-\(UUID().uuidString)") == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix(".handbook-index") } == [])
    }

    /// A released append cannot be read any more, and its room in memory takes later appends instead of
    /// the file; the others read back as before.
    @Test func releasedRoomIsReused() throws {
        let store = try #require(SpillFile(in: FileManager.default.temporaryDirectory.path, memoryBudget: 1000))
        let a = [UInt8](repeating: 1, count: 600), b = [UInt8](repeating: 2, count: 300), c = [UInt8](repeating: 3, count: 500)
        let offsetA = try #require(a.withUnsafeBytes { store.append($0) })
        let offsetB = try #require(b.withUnsafeBytes { store.append($0) })
        let offsetC = try #require(c.withUnsafeBytes { store.append($0) })  // 1,400 bytes: C goes to the file
        #expect(store.memoryBytes == 900 && store.fileBytes == 500)
        #expect(a.withUnsafeBytes { store.append(UnsafeRawBufferPointer(rebasing: $0[0..<0])) } != nil)  // an empty append
        store.release(offsetA)
        #expect(store.memoryBytes == 300)
        var back = [UInt8](repeating: 0, count: 10)
        #expect(!back.withUnsafeMutableBytes { store.read(at: offsetA, into: $0) })
        #expect(!back.withUnsafeMutableBytes { store.read(at: offsetA + 100, into: $0) })
        let d = [UInt8](repeating: 4, count: 700)
        let offsetD = try #require(d.withUnsafeBytes { store.append($0) })  // fits in memory again
        #expect(store.memoryBytes == 1000 && store.fileBytes == 500)
        for (bytes, offset) in [(b, offsetB), (c, offsetC), (d, offsetD)] {
            var all = [UInt8](repeating: 0, count: bytes.count)
            #expect(all.withUnsafeMutableBytes { store.read(at: offset, into: $0) })
            #expect(all == bytes)
        }
        store.release(offsetC)  // from the file: nothing to free, but it reads no more
        #expect(!back.withUnsafeMutableBytes { store.read(at: offsetC, into: $0) })
        #expect(store.memoryBytes == 1000)
    }
}

/// `Emitter.write` writes over the previous build's files in place: whatever the old file's length, the
/// new file holds exactly the new text.
struct EmitterWriteTests {
    @Test func overwritesLeaveExactlyTheNewText() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hb-write-\(UUID().uuidString).html").path
        defer { unlink(path) }
        let sizes = [10_000, 3, 8_192, 8_191, 8_193, 0, 4_096, 12_345, 4_095, 20_000, 4_097]
        for (round, size) in sizes.enumerated() {
            let text = String((0..<size).map { index in Character(Unicode.Scalar(UInt8(97 + (index + round) % 26))) })
            #expect(Emitter.write(text, to: path))
            #expect(try String(contentsOfFile: path, encoding: .utf8) == text, "after writing \(size) bytes over the previous file")
        }
        // Multi-byte text: the cut is by bytes, not characters.
        let chinese = String(repeating: "投诉处理记录", count: 700)
        #expect(Emitter.write(chinese, to: path))
        #expect(Emitter.write(String(chinese.prefix(1000)), to: path))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == String(chinese.prefix(1000)))
    }
}

/// `SourceText` finds a line when a column is asked for; columns count characters, not bytes.
struct SourceTextTests {
    /// Columns counted eight bytes at a time agree with counting scalars, at every byte column of lines
    /// mixing one- to four-byte characters.
    @Test func columnsAgreeWithCountingScalars() {
        let pieces = ["a", "投", "诉", "é", "😀", " ", "#", "〇", "\u{7F}", "ß"]
        var state: UInt64 = 0x2026_1123
        for _ in 0..<60 {
            var line = ""
            for _ in 0..<40 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                line += pieces[Int(state >> 33) % pieces.count]
            }
            let source = SourceText(path: "x", text: "first\n" + line + "\nlast")
            let bytes = Array(line.utf8)
            for byteColumn in 1...(bytes.count + 1) {
                let expected = 1 + bytes[..<(byteColumn - 1)].filter { $0 & 0xC0 != 0x80 }.count
                #expect(source.characterColumn(line: 2, byteColumn: byteColumn) == expected)
            }
        }
    }

    @Test func columnsOnEveryLine() {
        let text = "第一行\n## 第3条 受理\n\n见[链接](a.md)\n"
        let source = SourceText(path: "content/a.md", text: text)
        #expect(source.characterColumn(line: 1, byteColumn: 4) == 2)        // after 第 (3 bytes)
        #expect(source.characterColumn(line: 2, byteColumn: 4) == 4)        // "## " then 第
        #expect(source.characterColumn(line: 4, byteColumn: 4) == 2)        // [ after 见
        #expect(source.characterColumn(line: 3, byteColumn: 1) == 1)        // an empty line
        #expect(source.characterColumn(line: 5, byteColumn: 3) == 1)        // the empty line after the last newline
        #expect(source.characterColumn(line: 9, byteColumn: 7) == 7)        // past the end: the byte column as given
        #expect(source.characterColumn(line: 0, byteColumn: 5) == 5)
        #expect(source.characterColumn(line: 4, byteColumn: 999) == 13)     // past the line: counts on to the end of the text
        #expect(SourceText(path: "x", bytes: []).characterColumn(line: 1, byteColumn: 3) == 1)
    }
}
