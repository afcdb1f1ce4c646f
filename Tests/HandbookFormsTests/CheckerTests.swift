import Foundation
import Testing
@testable import HandbookForms

@Suite("Submission checker")
struct CheckerTests {
    func submission(_ values: JSONValue, _ extra: [String: JSONValue] = [:]) -> JSONValue {
        var o: [String: JSONValue] = ["form": "complaint-record", "formVersion": 1, "definitionHash": "h",
                                      "filledAt": "2025-03-04T10:00:00+08:00", "filledBy": "张三", "values": values]
        for (k, v) in extra { o[k] = v }
        return .object(o)
    }

    let good: JSONValue = ["receivedAt": "2025-03-04T09:30:00+08:00", "ourFault": true, "solutionAt": "2025-03-05T09:00:00+08:00",
                           "items": [["product": "A", "qty": 1]], "phone": "13800138000", "planMade": true]

    @Test func validAndHash() throws {
        let d = try Fixture.complaint()
        #expect(Checker.check(submission: submission(good), against: d, calendar: .official, hash: "h").isEmpty)
        let p = Checker.check(submission: submission(good), against: d, calendar: .official, hash: "other")
        #expect(p.map(\.path) == ["definitionHash"] && p[0].rule == "option")
    }

    @Test func deterministicOrderAndMessages() throws {
        let d = try Fixture.complaint()
        var v = good.objectValue!
        v["zeta"] = 1; v["alpha"] = 2; v["receivedAt"] = "2025-03-04T09:30:00"; v["ourFault"] = "yes"
        v["items"] = [["qty": -1, "b": 1, "a": 2]]
        v["planMade"] = false
        let problems = Checker.check(submission: submission(.object(v), ["x": 1]), against: d, calendar: .official, hash: "h")
        #expect(problems.map { "\($0.path)|\($0.rule)" } == [
            "x|unknown", "receivedAt|format", "ourFault|type", "items[0].product|required", "items[0].qty|range",
            "items[0].a|unknown", "items[0].b|unknown", "alpha|unknown", "zeta|unknown",
        ])
        let missingOffset = problems[1]
        #expect(missingOffset.message.contains("缺少时区"))
        #expect(missingOffset.messageEN.contains("no UTC offset"))
        #expect(missingOffset.cite == "05-complaints.md#第31条")
    }

    @Test func ruleProblemsCarryMessageAndCite() throws {
        let d = try Fixture.complaint()
        var v = good.objectValue!
        v["receivedAt"] = "2025-01-24T10:00:00+08:00"; v["solutionAt"] = "2025-02-06T10:00:00+08:00"
        let p = Checker.check(submission: submission(.object(v)), against: d, calendar: .official, hash: "h")
        #expect(p.count == 1)
        #expect(p[0].rule == "solution-in-3-working-days" && p[0].path == "solutionAt")
        #expect(p[0].message == "属于我方责任的投诉，须在受理后3个工作日内提出解决方案")
        #expect(p[0].cite == "05-complaints.md#第32条")
        #expect(p[0].messageEN.contains("2025-02-05"))
        v["receivedAt"] = "2027-01-04T10:00:00+08:00"; v["solutionAt"] = "2027-01-05T10:00:00+08:00"
        let c = Checker.check(submission: submission(.object(v)), against: d, calendar: .official, hash: "h")
        #expect(c.map(\.rule) == ["calendar"])
        #expect(c[0].message == "没有2027年的法定节假日日历" && c[0].messageEN.contains("no official calendar for 2027"))
        // With data for 2027 the same submission passes.
        let with2027 = WorkingCalendar(years: WorkingCalendar.officialData.merging([2027: CalendarYear(holidays: [], workdays: [])]) { a, _ in a })
        #expect(Checker.check(submission: submission(.object(v)), against: d, calendar: with2027, hash: "h").isEmpty)
    }

    @Test func dateTimeParsing() {
        #expect(OffsetDateTime("2025-03-04T09:30:00+08:00")?.epochMillis == 1_741_051_800_000)
        #expect(OffsetDateTime("2025-03-04T01:30:00Z")?.epochMillis == 1_741_051_800_000)
        #expect(OffsetDateTime("2025-03-04T09:30+08:00")?.millisOfDay == 34_200_000)
        #expect(OffsetDateTime("2025-03-04T09:30:00.5-05:00")?.millisOfDay == 34_200_500)
        #expect(OffsetDateTime("2025-03-04T09:30:00") == nil)
        #expect(OffsetDateTime("2025-03-04 09:30:00+08:00") == nil)
        #expect(OffsetDateTime("2025-03-04T24:00:00+08:00") == nil)
        #expect(OffsetDateTime("2025-03-04T09:30:00+0800") == nil)
        #expect(OffsetDateTime("2025-03-04T09:30:00+08:00x") == nil)
        #expect(OffsetDateTime("2025-03-04T23:30:00-05:00")?.date(inOffset: 8 * 3600) == CivilDate("2025-03-05"))
    }

    @Test func phoneAndEmail() {
        #expect(Checker.isPhone("0571-88886666") && Checker.isPhone("+86 (571) 8888 6666") && Checker.isPhone("1234567"))
        #expect(!Checker.isPhone("123456") && !Checker.isPhone("１２３４５６７８") && !Checker.isPhone("0571.8888.6666"))
        #expect(Checker.isEmail("a@b.cn") && Checker.isEmail("客服@例子.中国"))
        #expect(!Checker.isEmail("a@b") && !Checker.isEmail("@b.cn") && !Checker.isEmail("a@.cn") && !Checker.isEmail("a@b.c")
                && !Checker.isEmail("a@b..cn") && !Checker.isEmail("a@b@c.cn"))
    }

    @Test func conditionSemantics() {
        let values: [String: JSONValue] = ["a": 1, "tags": ["x", "y"], "s": ""]
        let look: (String) -> JSONValue? = { values[$0] }
        #expect(Condition.equals(field: "a", value: 1.0).evaluate(look))
        #expect(Condition.equals(field: "tags", value: "x").evaluate(look))
        #expect(!Condition.equals(field: "tags", value: ["x"]).evaluate(look))
        #expect(Condition.equals(field: "tags", value: ["x", "y"]).evaluate(look))
        #expect(Condition.not(field: "missing", value: 1).evaluate(look))
        #expect(Condition.isIn(field: "a", values: [2, 1]).evaluate(look))
        #expect(Condition.isSet(field: "s", set: false).evaluate(look))
        #expect(Condition.all([]).evaluate(look) && !Condition.any([]).evaluate(look))
    }

    @Test func tenThousandSubmissionsAreFast() throws {
        let d = try Fixture.complaint()
        let subs = (0..<10_000).map { i -> JSONValue in
            var v = good.objectValue!
            v["items"] = [["product": .string("P\(i)"), "qty": .number(Double(i % 50))]]
            if i % 3 == 0 { v["solutionAt"] = "2025-03-10T09:00:00+08:00" }
            return submission(.object(v))
        }
        let clock = ContinuousClock()
        var count = 0
        let elapsed = clock.measure {
            for s in subs { count += Checker.check(submission: s, against: d, calendar: .official, hash: "h").count }
        }
        #expect(count == 3334)
        // Release builds take ~0.1 s; allow for unoptimised test builds on a shared machine.
        #expect(elapsed < .seconds(5), "\(elapsed)")
    }
}
