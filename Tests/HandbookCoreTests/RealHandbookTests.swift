import Foundation
import HandbookSearch
import Synchronization
import Testing
@testable import HandbookCore

/// The real handbook in content/: it builds without errors, and staff queries find the right section.
struct RealHandbookTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct QueryCase: Decodable {
        var query: String
        var expectURLContains: String
    }

    /// Builds the handbook into a temporary folder and returns the search sections the index stage saw.
    static func buildCapturingSections() throws -> ([SearchSection], BuildReport) {
        let captured = Mutex<[SearchSection]>([])
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("hb-real-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        var options = BuildOptions(root: repo, transformers: [ChecklistTransformer(), QuizTransformer()])
        options.outputOverride = output.path
        let builder = Builder(options: options, indexer: { sections, write in
            captured.withLock { $0 = SearchIndexing.entries(for: sections) }
            return SearchIndexing.write(for: sections, to: write)
        })
        let report = try builder.build()
        return (captured.withLock { $0 }, report)
    }

    @Test func buildsWithEveryBlock() throws {
        let (_, report) = try Self.buildCapturingSections()
        #expect(report.pages >= 12)
        #expect((report.blockCounts["checklist"] ?? 0) >= 14)
        #expect((report.blockCounts["quiz"] ?? 0) >= 12)
    }

    @Test func staffQueriesFindTheirSectionInTheTopThree() throws {
        let (sections, _) = try Self.buildCapturingSections()
        let queries = try JSONDecoder().decode([QueryCase].self,
                                               from: Data(contentsOf: Self.repo.appendingPathComponent("Tests/HandbookCoreTests/search-queries.json")))
        #expect(queries.count >= 30)
        let engine = SearchEngine(sections)
        var misses: [String] = []
        for q in queries {
            let top = engine.search(q.query, limit: 3).map { $0.url.removingPercentEncoding ?? $0.url }
            if !top.contains(where: { $0.contains(q.expectURLContains) }) { misses.append("\(q.query) → \(top)") }
        }
        let rate = Double(queries.count - misses.count) / Double(queries.count)
        print("real handbook search: \(queries.count - misses.count)/\(queries.count) in the top 3 (\(Int(rate * 100))%)")
        #expect(rate >= 0.9, "misses: \(misses)")
    }
}
