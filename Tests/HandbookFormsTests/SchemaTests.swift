import Foundation
import Testing
@testable import HandbookForms

@Suite("JSON Schema")
struct SchemaTests {
    @Test func submissionSchema() throws {
        let d = try Fixture.complaint()
        let s = d.submissionSchema(hash: "abc")
        #expect(s["$schema"] == "https://json-schema.org/draft/2020-12/schema")
        #expect(s["additionalProperties"] == .bool(false))
        let values = try #require(s["properties"]?["values"])
        #expect(values["additionalProperties"] == .bool(false))
        #expect(values["required"] == ["receivedAt", "ourFault"])
        let props = try #require(values["properties"])
        #expect(props["receivedAt"]?["format"] == "date-time")
        #expect(props["ourFault"]?["type"] == "boolean")
        #expect(props["kind"]?["oneOf"]?.arrayValue?.count == 2)
        let items = try #require(props["items"])
        #expect(items["type"] == "array" && items["minItems"] == 1 && items["maxItems"] == 10)
        #expect(items["items"]?["required"] == ["product"])
        #expect(items["items"]?["properties"]?["qty"]?["type"] == "integer")
        #expect(items["items"]?["properties"]?["qty"]?["minimum"] == 0)
        #expect(items["items"]?["properties"]?["qty"]?["x-unit"] == "吨")
        let allOf = try #require(values["allOf"]?.arrayValue)
        #expect(allOf == [["if": ["properties": ["ourFault": ["const": true]], "required": ["ourFault"]],
                           "then": ["required": ["solutionAt"]]]])
        #expect(s["properties"]?["definitionHash"]?["const"] == "abc")
        #expect(s["properties"]?["form"]?["const"] == "complaint-record")
        // It is plain JSON.
        let text = String(decoding: try Fixture.reencode(s), as: UTF8.self)
        #expect(text.contains(#""$schema":"https://json-schema.org/draft/2020-12/schema""#))
    }

    @Test func fieldTypesInSchema() throws {
        let v = try Fixture.json(try String(contentsOf: Fixture.vectorsDir.appendingPathComponent("types-valid.json"), encoding: .utf8))
        let d = try JSONDecoder().decode(ChecklistDefinition.self, from: try Fixture.reencode(v["definition"]!))
        let p = try #require(d.submissionSchema()["properties"]?["values"]?["properties"])
        #expect(p["status"]?["enum"] == ["yes", "no", "na"])
        #expect(p["name"]?["maxLength"] == 5)
        #expect(p["detail"]?["maxLength"] == 5000)
        #expect(p["picks"]?["uniqueItems"] == .bool(true) && p["picks"]?["maxItems"] == 2)
        #expect(p["stars"]?["maximum"] == 5 && p["mood"]?["maximum"] == 3)
        #expect(p["sign"]?["required"] == ["name", "signedAt"])
        #expect(p["addr"]?["type"] == "object" && p["addr"]?["required"] == ["city"])
        #expect(p["day"]?["format"] == "date")
        #expect(p["mail"]?["format"] == "email")
    }
}
