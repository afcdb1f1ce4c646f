import Foundation
import Testing
@testable import HandbookForms

@Suite("Definition validation")
struct ValidationTests {
    func issues(_ fields: String, rules: String = "[]") throws -> [DefinitionIssue] {
        let text = #"{"id":"f","title":"t","version":1,"fields":"# + fields + #","rules":"# + rules + "}"
        return try Fixture.decode(ChecklistDefinition.self, text).validate()
    }

    func paths(_ list: [DefinitionIssue]) -> [String] { list.map { PathComponent.render($0.codingPath) } }

    @Test func duplicatesAndIDs() throws {
        let list = try issues(#"[{"id":"a","type":"text","label":"A"},{"id":"a","type":"text","label":"B"},{"id":"9x","type":"text","label":"C"}]"#,
                              rules: #"[{"id":"r","type":"atLeastOne","fields":["a","9x"],"message":"m","cite":"c"},{"id":"r","type":"atLeastOne","fields":["a","9x"],"message":"m","cite":"c"}]"#)
        #expect(paths(list).contains("fields[1].id"))
        #expect(paths(list).contains("fields[2].id"))
        #expect(paths(list).contains("rules[1].id"))
    }

    @Test func duplicatesInGroupsArePerLevel() throws {
        let ok = try issues(#"[{"id":"a","type":"text","label":"A"},{"id":"g","type":"group","label":"G","fields":[{"id":"a","type":"text","label":"A"}]}]"#)
        #expect(ok.isEmpty, "\(ok)")
        let bad = try issues(#"[{"id":"g","type":"group","label":"G","fields":[{"id":"a","type":"text","label":"A"},{"id":"a","type":"date","label":"B"}]}]"#)
        #expect(paths(bad) == ["fields[0].fields[1].id"])
    }

    @Test func unknownFieldsInConditionsAndRules() throws {
        let list = try issues(
            #"[{"id":"a","type":"yesno","label":"A","requiredIf":{"all":[{"field":"a2","equals":true}]}},{"id":"g","type":"group","label":"G","fields":[{"id":"c","type":"text","label":"C","visibleIf":{"field":"a","equals":true}},{"id":"d","type":"text","label":"D","visibleIf":{"field":"zz","isSet":true}}]},{"id":"t","type":"text","label":"T","visibleIf":{"field":"c","equals":"x"}}]"#,
            rules: #"[{"id":"r1","type":"order","first":"a","then":"nope","message":"m","cite":"c"},{"id":"r2","type":"equalsWhen","field":"a","value":true,"when":{"field":"ghost","equals":1},"message":"m","cite":"c"}]"#)
        let p = paths(list)
        #expect(p.contains("fields[0].requiredIf.all[0].field"))
        #expect(p.contains("fields[1].fields[1].visibleIf.field"))
        #expect(!p.contains("fields[1].fields[0].visibleIf.field"))  // top-level field seen from a group
        #expect(p.contains("fields[2].visibleIf.field"))              // group child not visible from top level
        #expect(p.contains("rules[0].then"))
        #expect(p.contains("rules[1].when.field"))
        #expect(p.contains("rules[0].first"))                          // yesno cannot be ordered
    }

    @Test func impossibleBounds() throws {
        let list = try issues(#"""
        [{"id":"n","type":"number","label":"N","min":5,"max":1},
         {"id":"g","type":"group","label":"G","repeat":{"min":3,"max":2},"fields":[{"id":"x","type":"text","label":"X"}]},
         {"id":"m","type":"multichoice","label":"M","options":["a","b"],"minSelected":3},
         {"id":"r","type":"rating","label":"R","scale":11},
         {"id":"r2","type":"rating","label":"R","labels":["only"]},
         {"id":"c","type":"choice","label":"C"},
         {"id":"c2","type":"choice","label":"C","options":["a","a"]},
         {"id":"e","type":"group","label":"E"}]
        """#)
        let p = paths(list)
        for expected in ["fields[0].min", "fields[1].repeat.min", "fields[2].minSelected", "fields[3].scale", "fields[4].labels",
                         "fields[5]", "fields[6].options[1]", "fields[7]"] {
            #expect(p.contains(expected), "missing \(expected) in \(p)")
        }
        #expect(list.allSatisfy { !$0.message.isEmpty && !$0.messageEN.isEmpty && !$0.hint.isEmpty })
    }

    @Test func deadlineTypes() throws {
        let list = try issues(#"[{"id":"a","type":"datetime","label":"A"},{"id":"b","type":"text","label":"B"},{"id":"d","type":"date","label":"D"}]"#,
                              rules: #"[{"id":"r1","type":"deadline","from":"a","to":"b","within":{"days":1},"message":"m","cite":"c"},{"id":"r2","type":"deadline","from":"a","to":"d","within":{"hours":4},"message":"m","cite":"c"},{"id":"r3","type":"deadline","from":"a","within":{"days":1}}]"#)
        let p = paths(list)
        #expect(p.contains("rules[0].to"))
        #expect(p.contains("rules[1].within"))
        #expect(p.filter { $0 == "rules[2]" }.count == 3)  // no `to`, no message, no cite
    }

    @Test func citesAreExposed() throws {
        let d = try Fixture.complaint()
        let cites = d.citeReferences()
        #expect(cites.first == CiteReference(cite: "05-complaints.md#第31条", codingPath: ["cite"]))
        #expect(cites.contains(CiteReference(cite: "05-complaints.md#第32条", codingPath: ["rules", 0, "cite"])))
        #expect(cites.contains { $0.codingPath == ["fields", 0, "cite"] })
        #expect(try Fixture.quiz().citeReferences().count == 5)
    }

    @Test func quizChecks() throws {
        let q = try Fixture.decode(QuizDefinition.self, #"""
        {"id":"q","title":"t","passMark":120,"questions":[
          {"id":"a","type":"single","prompt":"p","options":["x","y"],"answer":"z","cite":"c"},
          {"id":"a","type":"multiple","prompt":"p","options":["x","y"],"answer":["x","w"],"cite":"c","weight":0},
          {"id":"o","type":"order","prompt":"p","items":["only"],"cite":"c"},
          {"id":"t","type":"truefalse","prompt":"p","answer":"maybe","cite":"c"},
          {"id":"f","type":"fill","prompt":"p","answer":[]},
          {"id":"s","type":"single","prompt":"p","options":["x","x"],"answer":"x","cite":"c"}]}
        """#)
        let p = paths(q.validate())
        for expected in ["passMark", "questions[0].answer", "questions[1].id", "questions[1].answer[1]", "questions[1].weight",
                         "questions[2].items", "questions[3].answer", "questions[4].answer", "questions[4]", "questions[5].options[1]"] {
            #expect(p.contains(expected), "missing \(expected) in \(p)")
        }
        #expect(try Fixture.quiz().validate().isEmpty)
    }
}

@Suite("YAML pitfalls")
struct YAMLPitfallTests {
    @Test func booleanOperandOnTextField() throws {
        // What Yams produces for `visibleIf: {field: resolved, equals: yes}` (unquoted yes → true).
        let d = try Fixture.decode(ChecklistDefinition.self, #"""
        {"id":"f","title":"t","version":1,"fields":[
          {"id":"resolved","type":"yesnona","label":"R"},
          {"id":"why","type":"text","label":"W","visibleIf":{"any":[{"field":"resolved","equals":true}]}},
          {"id":"ok","type":"yesno","label":"O","requiredIf":{"field":"resolved","in":["yes","no"]}},
          {"id":"n","type":"text","label":"N","requiredIf":{"field":"ok","equals":"yes"}}]}
        """#)
        let p = d.validate().map { PathComponent.render($0.codingPath) }
        #expect(p == ["fields[1].visibleIf.any[0].equals", "fields[3].requiredIf.equals"])
    }
}
