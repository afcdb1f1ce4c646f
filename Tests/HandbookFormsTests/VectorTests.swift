import Foundation
import Testing
@testable import HandbookForms

@Suite("Shared checklist vectors")
struct VectorTests {
    @Test("there are at least 40 vectors")
    func count() {
        #expect(Fixture.vectorFiles().count >= 40)
    }

    @Test("vector", arguments: Fixture.vectorFiles())
    func vector(_ file: String) throws {
        let data = try Data(contentsOf: Fixture.vectorsDir.appendingPathComponent(file))
        let v = try JSONDecoder().decode(JSONValue.self, from: data)
        let defJSON = try #require(v["definition"])
        let definition = try JSONDecoder().decode(ChecklistDefinition.self, from: try Fixture.reencode(defJSON))
        #expect(definition.validate().isEmpty, "\(file): definition issues \(definition.validate())")
        let hash = v["hash"]?.stringValue ?? "*"
        if hash != "*" { #expect(try definition.canonicalHash() == hash, "\(file): canonical hash differs from the vector's") }
        let submission = try #require(v["submission"])
        let problems = Checker.check(submission: submission, against: definition, calendar: .official, hash: hash,
                                     now: v["now"]?.stringValue)
        let got = problems.map { "\($0.path) | \($0.rule)" }.sorted()
        let expected = (v["expected"]?.arrayValue ?? []).map { "\($0["path"]?.stringValue ?? "?") | \($0["rule"]?.stringValue ?? "?")" }.sorted()
        #expect(got == expected, "\(file): \(v["name"]?.stringValue ?? "")\n\(problems.map(\.description).joined(separator: "\n"))")
        // Deterministic: the same input gives the same list in the same order.
        #expect(Checker.check(submission: submission, against: definition, calendar: .official, hash: hash,
                              now: v["now"]?.stringValue) == problems)
        for p in problems {
            #expect(!p.message.isEmpty && !p.messageEN.isEmpty)
        }
    }
}
