import Foundation
import Testing
@testable import HandbookCore

/// `SiteSession`, the in-memory build behind `handbook serve`: after each incremental rebuild the output
/// folder must be byte-for-byte what a fresh full build writes, and only files whose contents changed are written.
struct IncrementalBuildTests {
    /// A scratch copy of a fixture site with its own output folder.
    struct Scratch {
        let dir: URL
        let fixture: String
        var root: URL { dir.appendingPathComponent("sites").appendingPathComponent(fixture) }
        var output: URL { dir.appendingPathComponent("out") }

        /// Copies all fixture sites (forms-site uses basic's theme).
        init(_ fixture: String) throws {
            self.fixture = fixture
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("hb-incremental-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: FixtureSiteTests.fixtures, to: dir.appendingPathComponent("sites"))
        }

        func remove() { try? FileManager.default.removeItem(at: dir) }

        var options: BuildOptions {
            var options = BuildOptions(root: root, transformers: [ChecklistTransformer(), QuizTransformer()])
            options.outputOverride = output.path
            return options
        }

        func session() -> SiteSession { SiteSession(options: options) }

        func edit(_ page: String, _ change: (String) -> String) throws {
            let url = root.appendingPathComponent("content").appendingPathComponent(page)
            let text = try String(contentsOf: url, encoding: .utf8)
            let changed = change(text)
            #expect(changed != text, "the edit of \(page) changed nothing")
            try changed.write(to: url, atomically: true, encoding: .utf8)
        }

        /// Every file in the output folder: path → bytes.
        func outputFiles() -> [String: Data] { Self.files(in: output) }

        static func files(in folder: URL) -> [String: Data] {
            var files: [String: Data] = [:]
            for path in ProjectFiles.files(under: folder) { files[path] = FileManager.default.contents(atPath: folder.appendingPathComponent(path).path) }
            return files
        }

        /// The output of a fresh `Builder.build()` of the current sources.
        func freshBuild() throws -> [String: Data] {
            var options = self.options
            let fresh = dir.appendingPathComponent("fresh-\(UUID().uuidString)")
            options.outputOverride = fresh.path
            _ = try Builder(options: options).build()
            defer { try? FileManager.default.removeItem(at: fresh) }
            return Self.files(in: fresh)
        }
    }

    static func differing(_ a: [String: Data], _ b: [String: Data]) -> Set<String> {
        Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }
    }

    static func isSearchIndex(_ path: String) -> Bool {
        path == "assets/search-index.js" || path.hasPrefix("assets/search/")
    }

    @Test func fullBuildEqualsBuilder() throws {
        let scratch = try Scratch("forms-site")
        defer { scratch.remove() }
        let report = try scratch.session().fullBuild()
        #expect(report.kind == .full)
        let built = scratch.outputFiles()
        #expect(!built.isEmpty)
        #expect(built == (try scratch.freshBuild()))
    }

    @Test func textChangeRewritesOnlyThatPage() throws {
        let scratch = try Scratch("basic")
        defer { scratch.remove() }
        let session = scratch.session()
        try session.fullBuild()
        let before = scratch.outputFiles()

        try scratch.edit("02-complaints.md") { $0.replacingOccurrences(of: "客户投诉当日上报。", with: "客户投诉须当日上报主管。") }
        let report = try session.rebuild(changedPages: ["02-complaints.md"])
        #expect(report.kind == .incremental)
        #expect(report.renderedPages <= 3)
        let after = scratch.outputFiles()
        let changed = Self.differing(before, after)
        #expect(changed.filter { $0.hasSuffix(".html") } == ["02-complaints.html"])
        #expect(changed.allSatisfy { $0 == "02-complaints.html" || Self.isSearchIndex($0) }, "\(changed.sorted())")
        #expect(Set(report.writtenFiles) == changed)
        #expect(report.indexRebuilt)
        #expect(String(decoding: after["02-complaints.html"]!, as: UTF8.self).contains("客户投诉须当日上报主管。"))
        #expect(after == (try scratch.freshBuild()))
    }

    @Test func unchangedTextWritesNothing() throws {
        let scratch = try Scratch("basic")
        defer { scratch.remove() }
        let session = scratch.session()
        try session.fullBuild()
        let report = try session.rebuild(changedPages: ["01-intro.md"])
        #expect(report.kind == .incremental)
        #expect(report.writtenFiles.isEmpty)
        #expect(!report.indexRebuilt)
    }

    @Test func titleChangeUpdatesNeighboursAndNavigation() throws {
        let scratch = try Scratch("basic")
        defer { scratch.remove() }
        let session = scratch.session()
        try session.fullBuild()
        let before = scratch.outputFiles()

        try scratch.edit("02-complaints.md") { $0.replacingOccurrences(of: "title: 投诉处理", with: "title: 投诉受理与处理") }
        let report = try session.rebuild(changedPages: ["02-complaints.md"])
        #expect(report.kind == .incremental)
        #expect(report.indexRebuilt)
        let after = scratch.outputFiles()
        let changed = Self.differing(before, after)
        // The page, its neighbours (prev/next), every page's navigation, the home page.
        for page in ["02-complaints.html", "01-intro.html", "guide/detail.html", "index.html"] {
            #expect(changed.contains(page), "\(page) was not rewritten")
            #expect(String(decoding: after[page]!, as: UTF8.self).contains("投诉受理与处理"), "\(page) lacks the new title")
        }
        #expect(after == (try scratch.freshBuild()))
    }

    @Test func brokenLinkKeepsLastGoodOutputUntilFixed() throws {
        let scratch = try Scratch("basic")
        defer { scratch.remove() }
        let session = scratch.session()
        try session.fullBuild()
        let good = scratch.outputFiles()

        try scratch.edit("02-complaints.md") { $0.replacingOccurrences(of: "客户投诉当日上报。", with: "客户投诉当日上报，见[附则](missing.md)。") }
        do {
            try session.rebuild(changedPages: ["02-complaints.md"])
            Issue.record("a broken link must fail the rebuild")
        } catch {
            let text = error.description
            #expect(text.contains("content/02-complaints.md:8:11: error: [transform] link to `missing.md`"), "\(text)")
            #expect(text.contains("missing.md"))
        }
        #expect(scratch.outputFiles() == good, "the last good output was touched")

        // Another page changes while the first is still broken: still an error, output still untouched.
        try scratch.edit("01-intro.md") { $0.replacingOccurrences(of: "本手册规范客户服务。", with: "本手册规范销售与客户服务。") }
        #expect(throws: BuildFailure.self) { try session.rebuild(changedPages: ["01-intro.md"]) }
        #expect(scratch.outputFiles() == good)

        // Fix it: both pending changes land.
        try scratch.edit("02-complaints.md") { $0.replacingOccurrences(of: "见[附则](missing.md)", with: "见[总则](01-intro.md)") }
        let report = try session.rebuild(changedPages: ["02-complaints.md"])
        #expect(report.kind == .incremental)
        let fixed = scratch.outputFiles()
        #expect(String(decoding: fixed["01-intro.html"]!, as: UTF8.self).contains("本手册规范销售与客户服务。"))
        #expect(String(decoding: fixed["02-complaints.html"]!, as: UTF8.self).contains("href=\"01-intro.html\""))
        #expect(fixed == (try scratch.freshBuild()))
    }

    @Test func removedHeadingBreaksLinksFromOtherPages() throws {
        let scratch = try Scratch("basic")
        defer { scratch.remove() }
        let session = scratch.session()
        try session.fullBuild()
        let good = scratch.outputFiles()

        // 01-intro.md links to 02-complaints.md#第3条.
        try scratch.edit("02-complaints.md") { $0.replacingOccurrences(of: "### 第3条 受理", with: "### 第4条 受理") }
        do {
            try session.rebuild(changedPages: ["02-complaints.md"])
            Issue.record("the link from 01-intro.md must break")
        } catch {
            #expect(error.description.contains("content/01-intro.md:"), "\(error.description)")
            #expect(error.description.contains("#第3条"))
        }
        #expect(scratch.outputFiles() == good)

        try scratch.edit("02-complaints.md") { $0.replacingOccurrences(of: "### 第4条 受理", with: "### 第3条 受理") }
        try session.rebuild(changedPages: ["02-complaints.md"])
        #expect(scratch.outputFiles() == good)
    }

    @Test func blockAndCiteChangesUpdateDataFiles() throws {
        let scratch = try Scratch("forms-site")
        defer { scratch.remove() }
        let session = scratch.session()
        try session.fullBuild()
        try scratch.edit("02-service.md") { $0.replacingOccurrences(of: "title: 回访记录", with: "title: 电话回访记录") }
        let report = try session.rebuild(changedPages: ["02-service.md"])
        #expect(report.kind == .incremental)
        #expect(report.writtenFiles.contains { $0.hasPrefix("forms/") }, "\(report.writtenFiles)")
        #expect(scratch.outputFiles() == (try scratch.freshBuild()))

        try scratch.edit("02-service.md") { $0.replacingOccurrences(of: "### 第7条 回访", with: "### 第7条 电话回访 {#第7条}") }
        try session.rebuild(changedPages: ["02-service.md"])
        #expect(scratch.outputFiles() == (try scratch.freshBuild()))
    }

    /// Text edited on a page with a form: its blocks are unchanged, so the data files and quiz pages are left
    /// alone (the transformers' finish does not run); a change to the form itself rewrites them.
    @Test func textEditBesideAFormLeavesTheDataFiles() throws {
        let scratch = try Scratch("forms-site")
        defer { scratch.remove() }
        let session = scratch.session()
        try session.fullBuild()
        try scratch.edit("01-complaints.md") { $0 + "\n补充说明：受理后当日上报。\n" }
        let report = try session.rebuild(changedPages: ["01-complaints.md"])
        #expect(report.kind == .incremental)
        #expect(!report.blocksFinished)
        #expect(report.writtenFiles.contains("01-complaints.html") && !report.writtenFiles.contains { $0.hasPrefix("forms/") },
                "\(report.writtenFiles)")
        #expect(scratch.outputFiles() == (try scratch.freshBuild()))

        try scratch.edit("01-complaints.md") { $0.replacingOccurrences(of: "label: 投诉受理时间", with: "label: 投诉受理的时间") }
        let changed = try session.rebuild(changedPages: ["01-complaints.md"])
        #expect(changed.blocksFinished)
        #expect(changed.finishedLanguages == ["checklist"], "the quiz transformer keeps what it made: \(changed.finishedLanguages)")
        #expect(changed.writtenFiles.contains { $0.hasPrefix("forms/") }, "\(changed.writtenFiles)")
        #expect(scratch.outputFiles() == (try scratch.freshBuild()))
    }

    /// On a page with a form and a quiz, a change to one of them finishes only its own transformer.
    @Test func onlyTheChangedBlockLanguageFinishesAgain() throws {
        let scratch = try Scratch("forms-site")
        defer { scratch.remove() }
        let session = scratch.session()
        try session.fullBuild()
        try scratch.edit("02-service.md") { $0.replacingOccurrences(of: "label: 回访日期", with: "label: 电话回访日期") }
        let form = try session.rebuild(changedPages: ["02-service.md"])
        #expect(form.finishedLanguages == ["checklist"], "\(form.finishedLanguages)")
        #expect(scratch.outputFiles() == (try scratch.freshBuild()))

        try scratch.edit("02-service.md") { $0.replacingOccurrences(of: "prompt: 投诉须在何时上报？", with: "prompt: 投诉应在何时上报？") }
        let quiz = try session.rebuild(changedPages: ["02-service.md"])
        #expect(quiz.finishedLanguages == ["quiz"], "\(quiz.finishedLanguages)")
        #expect(quiz.writtenFiles.contains { $0.hasPrefix("quizzes/") }, "\(quiz.writtenFiles)")
        #expect(scratch.outputFiles() == (try scratch.freshBuild()))
    }

    /// With no anchor changed, only the edited page's cites are resolved again; the rest are kept.
    @Test func citeChangeWithoutAnchorChangeResolvesOnlyThatPage() throws {
        let scratch = try Scratch("forms-site")
        defer { scratch.remove() }
        let session = scratch.session()
        try session.fullBuild()
        // A cite moves to another existing clause of the other page; no heading changes.
        try scratch.edit("02-service.md") { $0.replacingOccurrences(of: "    cite: 01-complaints.md#第4条", with: "    cite: 01-complaints.md#第3条") }
        #expect(try session.rebuild(changedPages: ["02-service.md"]).kind == .incremental)
        #expect(scratch.outputFiles() == (try scratch.freshBuild()))

        // A cite to a clause that does not exist fails, and the output stays as it was.
        let before = scratch.outputFiles()
        try scratch.edit("02-service.md") { $0.replacingOccurrences(of: "    cite: 01-complaints.md#第3条", with: "    cite: 01-complaints.md#第99条") }
        #expect(throws: BuildFailure.self) { try session.rebuild(changedPages: ["02-service.md"]) }
        #expect(scratch.outputFiles() == before)

        // Fixed again, then a text edit on the other page: every cite still resolves as a fresh build does.
        try scratch.edit("02-service.md") { $0.replacingOccurrences(of: "#第99条", with: "#第4条") }
        try session.rebuild(changedPages: ["02-service.md"])
        try scratch.edit("01-complaints.md") { $0 + "\n补充说明。\n" }
        #expect(try session.rebuild(changedPages: ["01-complaints.md"]).kind == .incremental)
        #expect(scratch.outputFiles() == (try scratch.freshBuild()))
    }

    @Test func otherChangesMakeAFullBuild() throws {
        let scratch = try Scratch("basic")
        defer { scratch.remove() }
        let session = scratch.session()
        try session.fullBuild()

        let added = scratch.root.appendingPathComponent("content/03-new.md")
        try "---\ntitle: 新页\norder: 3\n---\n\n## 新条款\n\n内容。\n".write(to: added, atomically: true, encoding: .utf8)
        let report = try session.rebuild(changedPages: ["03-new.md"])
        #expect(report.kind == .full)
        #expect(scratch.outputFiles()["03-new.html"] != nil)

        try scratch.edit("01-intro.md") { $0.replacingOccurrences(of: "order: 1", with: "order: 9") }
        #expect(try session.rebuild(changedPages: ["01-intro.md"]).kind == .full)

        let theme = try session.rebuild(changedPages: [], otherChanges: true)
        #expect(theme.kind == .full)
        #expect(scratch.outputFiles() == (try scratch.freshBuild()))
    }
}

extension IncrementalBuildTests {
    @Test func deferredSearchIndexFollowsThePages() throws {
        let scratch = try Scratch("basic")
        defer { scratch.remove() }
        let session = scratch.session()
        session.deferSearchIndex = true
        try session.fullBuild()
        let before = scratch.outputFiles()
        #expect(session.searchIndexJob() == nil)

        try scratch.edit("02-complaints.md") { $0.replacingOccurrences(of: "客户投诉当日上报。", with: "客户投诉须当日上报主管。") }
        let report = try session.rebuild(changedPages: ["02-complaints.md"])
        #expect(report.indexDeferred && !report.indexRebuilt)
        #expect(Self.differing(before, scratch.outputFiles()) == ["02-complaints.html"])

        // A job from older sections is not written.
        let stale = try #require(session.searchIndexJob())
        try scratch.edit("02-complaints.md") { $0.replacingOccurrences(of: "须当日上报主管。", with: "须当日上报部门主管。") }
        try session.rebuild(changedPages: ["02-complaints.md"])
        #expect(try session.applySearchIndex(session.indexer(stale.sections), generation: stale.generation) == nil)

        let job = try #require(session.searchIndexJob())
        let written = try #require(try session.applySearchIndex(session.indexer(job.sections), generation: job.generation))
        #expect(!written.isEmpty && written.allSatisfy(Self.isSearchIndex))
        #expect(session.searchIndexJob() == nil)
        #expect(scratch.outputFiles() == (try scratch.freshBuild()))
    }
}
