import Foundation
import HandbookForms
import Testing
@testable import HandbookCore

/// `companyCalendar` days off reach the page's calendar data and the checker's working-day counting.
struct CompanyCalendarTests {
    static let basicTheme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/sites/basic/theme").path

    static func project(calendar: String) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hb-calendar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("content"), withIntermediateDirectories: true)
        try "title: 日历测试\ntheme: \(basicTheme)\ncompanyCalendar: company.yml\n".write(to: root.appendingPathComponent("handbook.yml"), atomically: true, encoding: .utf8)
        try calendar.write(to: root.appendingPathComponent("company.yml"), atomically: true, encoding: .utf8)
        try """
            ---
            title: 投诉
            ---

            ### 第1条 方案时限

            ```checklist
            id: plan
            title: 方案记录
            version: 1
            fields:
              - {id: receivedAt, type: datetime, label: 受理时间, required: true}
              - {id: planAt, type: datetime, label: 方案时间, required: true}
            rules:
              - {id: plan-in-1-day, type: deadline, from: receivedAt, to: planAt, within: {workingDays: 1}, message: 须在1个工作日内提出方案, cite: "#第1条"}
            ```
            """.write(to: root.appendingPathComponent("content/a.md"), atomically: true, encoding: .utf8)
        return root
    }

    @Test func companyDayOffShiftsTheDeadline() throws {
        let root = try Self.project(calendar: "daysOff: [2025-03-04]\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let catalog = try DefinitionCatalog.fromContent(root: root)
        // 2025-03-03 is a Monday; Tuesday 03-04 is a company day off, so the first working day is 03-05.
        #expect(try catalog.calendar.addWorkingDays("2025-03-03", 1) == "2025-03-05")
        let form = try #require(catalog.forms["plan"])
        func submission(_ planAt: String) -> JSONValue {
            .object(["form": .string("plan"), "formVersion": .number(1), "definitionHash": .string(form.hash),
                     "filledAt": .string("2025-03-06T09:00:00+08:00"), "filledBy": .string("张三"),
                     "values": .object(["receivedAt": .string("2025-03-03T10:00:00+08:00"), "planAt": .string(planAt)])])
        }
        #expect(Checker.check(submission: submission("2025-03-05T17:00:00+08:00"), against: form.definition, calendar: catalog.calendar, hash: form.hash).isEmpty)
        let late = Checker.check(submission: submission("2025-03-06T08:00:00+08:00"), against: form.definition, calendar: catalog.calendar, hash: form.hash)
        #expect(late.map(\.rule) == ["plan-in-1-day"])
    }

    @Test func badCompanyCalendarIsALoadError() throws {
        let root = try Self.project(calendar: "daysOff: [2025/03/04]\nholidays: []\n")
        defer { try? FileManager.default.removeItem(at: root) }
        #expect {
            try DefinitionCatalog.fromContent(root: root)
        } throws: { error in
            let lines = (error as! BuildFailure).diagnostics.map(\.description)
            return lines.count == 2 && lines.contains { $0.hasPrefix("company.yml:1:") && $0.contains("is not a date") }
                && lines.contains { $0.hasPrefix("company.yml:2:1:") && $0.contains("unknown company calendar key `holidays`") }
        }
    }
}
