import Foundation
import Testing
@testable import HandbookForms

@Suite("Strict decoding and encoding")
struct DecodingTests {
    @Test func decodesDocumentedShape() throws {
        let d = try Fixture.complaint()
        #expect(d.id == "complaint-record")
        #expect(d.fields.count == 9)
        #expect(d.fields[3].requiredIf == .equals(field: "ourFault", value: .bool(true)))
        #expect(d.fields[4].repeat == RepeatSpec(min: 1, max: 10))
        #expect(d.fields[4].fields?[1].integer == true)
        #expect(d.fields[4].fields?[1].min == 0)
        #expect(d.rules?[0].within == .workingDays(3))
        #expect(d.rules?[3].value == .bool(true))
        #expect(d.rules?[2].reportField == "phone")
        #expect(d.validate().isEmpty, "\(d.validate())")
    }

    @Test func roundTripsThroughJSON() throws {
        let d = try Fixture.complaint()
        let again = try JSONDecoder().decode(ChecklistDefinition.self, from: try Fixture.reencode(d))
        #expect(again == d)
        // Encoding keeps the input shape: same canonical JSON as the input re-encoded with sorted keys.
        let input = try Fixture.json(Fixture.complaintYAMLShape)
        #expect(try d.canonicalJSON() == String(decoding: try Fixture.reencode(input), as: UTF8.self))
        let q = try Fixture.quiz()
        #expect(try JSONDecoder().decode(QuizDefinition.self, from: try Fixture.reencode(q)) == q)
        #expect(try q.canonicalJSON() == String(decoding: try Fixture.reencode(try Fixture.json(Fixture.quizShape)), as: UTF8.self))
    }

    @Test func absentRuleValueStaysAbsent() throws {
        let d = try Fixture.complaint()
        #expect(d.rules?[0].value == nil)
        #expect(!(try d.canonicalJSON()).contains("\"value\":null"))
    }

    static let bad: [(String, String, String)] = [
        ("unknown top key", #"{"id":"a","title":"t","version":1,"fields":[],"colour":1}"#, "colour"),
        ("unknown field key", #"{"id":"a","title":"t","version":1,"fields":[{"id":"x","type":"text","label":"l","placeholder":"p"}]}"#, "placeholder"),
        ("options on text", #"{"id":"a","title":"t","version":1,"fields":[{"id":"x","type":"text","label":"l","options":["a"]}]}"#, "options"),
        ("min on rating", #"{"id":"a","title":"t","version":1,"fields":[{"id":"x","type":"rating","label":"l","min":1}]}"#, "min"),
        ("other on multichoice", #"{"id":"a","title":"t","version":1,"fields":[{"id":"x","type":"multichoice","label":"l","options":["a"],"other":true}]}"#, "other"),
        ("maxLength on number", #"{"id":"a","title":"t","version":1,"fields":[{"id":"x","type":"number","label":"l","maxLength":3}]}"#, "maxLength"),
        ("repeat on text", #"{"id":"a","title":"t","version":1,"fields":[{"id":"x","type":"text","label":"l","repeat":{"min":1}}]}"#, "repeat"),
        ("unknown type", #"{"id":"a","title":"t","version":1,"fields":[{"id":"x","type":"slider","label":"l"}]}"#, "type"),
        ("missing label", #"{"id":"a","title":"t","version":1,"fields":[{"id":"x","type":"text"}]}"#, "label"),
        ("two condition ops", #"{"id":"a","title":"t","version":1,"fields":[{"id":"x","type":"text","label":"l","visibleIf":{"field":"y","equals":1,"not":2}}]}"#, "visibleIf"),
        ("unknown condition key", #"{"id":"a","title":"t","version":1,"fields":[{"id":"x","type":"text","label":"l","visibleIf":{"field":"y","eq":1}}]}"#, "eq"),
        ("two within", #"{"id":"a","title":"t","version":1,"fields":[],"rules":[{"id":"r","type":"deadline","from":"a","to":"b","within":{"days":1,"hours":2}}]}"#, "within"),
        ("sameDay false", #"{"id":"a","title":"t","version":1,"fields":[],"rules":[{"id":"r","type":"deadline","from":"a","to":"b","within":{"sameDay":false}}]}"#, "sameDay"),
        ("from on order", #"{"id":"a","title":"t","version":1,"fields":[],"rules":[{"id":"r","type":"order","from":"a","first":"a","then":"b"}]}"#, "from"),
        ("unknown repeat key", #"{"id":"a","title":"t","version":1,"fields":[{"id":"g","type":"group","label":"l","fields":[],"repeat":{"min":1,"most":3}}]}"#, "most"),
    ]

    @Test("strict checklist decoding rejects", arguments: bad.indices)
    func rejects(_ i: Int) throws {
        let (name, text, key) = Self.bad[i]
        do {
            _ = try Fixture.decode(ChecklistDefinition.self, text)
            Issue.record("\(name): decoded without error")
        } catch {
            let issue = DefinitionIssue(decodingError: error)
            let rendered = issue.codingPath.map(\.description)
            #expect(rendered.contains(key) || issue.messageEN.contains(key), "\(name): \(issue)")
        }
    }

    @Test func unknownKeyPathPointsAtTheKey() throws {
        let text = #"{"id":"a","title":"t","version":1,"fields":[{"id":"x","type":"text","label":"l"},{"id":"y","type":"text","label":"l","bogus":1}]}"#
        #expect(throws: DecodingError.self) { try Fixture.decode(ChecklistDefinition.self, text) }
        do { _ = try Fixture.decode(ChecklistDefinition.self, text) } catch {
            #expect(DefinitionIssue(decodingError: error).codingPath == ["fields", 1, "bogus"])
        }
    }

    @Test func quizStrictness() throws {
        #expect(throws: DecodingError.self) {
            try Fixture.decode(QuizDefinition.self, #"{"id":"q","title":"t","questions":[{"id":"a","type":"order","prompt":"p","items":["a","b"],"answer":"a"}]}"#)
        }
        #expect(throws: DecodingError.self) {
            try Fixture.decode(QuizDefinition.self, #"{"id":"q","title":"t","questions":[{"id":"a","type":"single","prompt":"p","options":["a","b"],"answer":"a","partialCredit":true}]}"#)
        }
        #expect(throws: DecodingError.self) {
            try Fixture.decode(QuizDefinition.self, #"{"id":"q","title":"t","shuffle":true,"questions":[]}"#)
        }
    }

    @Test func conditionsRoundTrip() throws {
        let text = #"{"all":[{"field":"a","in":[1,"x",null]},{"any":[{"field":"b","not":false},{"field":"c","isSet":true}]}]}"#
        let c = try Fixture.decode(Condition.self, text)
        #expect(c == .all([.isIn(field: "a", values: [.number(1), .string("x"), .null]),
                           .any([.not(field: "b", value: .bool(false)), .isSet(field: "c", set: true)])]))
        #expect(try Fixture.decode(Condition.self, String(decoding: try Fixture.reencode(c), as: UTF8.self)) == c)
        #expect(try Fixture.decode(Condition.self, #"{"field":"a","equals":null}"#) == .equals(field: "a", value: .null))
    }

    @Test func jsonValueDecoding() throws {
        let v = try Fixture.json(#"{"a":[1,2.5,true,null,"s",{"b":{}}]}"#)
        #expect(v == .object(["a": .array([.number(1), .number(2.5), .bool(true), .null, .string("s"), .object(["b": .object([:])])])]))
        #expect(String(decoding: try Fixture.reencode(v), as: UTF8.self) == #"{"a":[1,2.5,true,null,"s",{"b":{}}]}"#)
    }
}
