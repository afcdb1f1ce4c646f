import Foundation
import Testing

/// The `workingDays` deadline end to end: fixture site → build/definitions → handbook-check, with the
/// official 2025 calendar (国庆/中秋 10-01…10-08 off, Saturday 10-11 an adjusted working day).
struct WorkingDaysCLITests {
    static let holidayFile = URL(fileURLWithPath: "/work/shared/testdata/holidays-cn/2025.json")

    /// The build embeds the same 2025 days as the published holiday-cn data.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: holidayFile.path)))
    func embeddedCalendarMatchesPublishedData() throws {
        let published = try #require(try CLI.json(Data(contentsOf: Self.holidayFile)) as? [String: Any])
        let days = try #require(published["days"] as? [[String: Any]])
        let off = Set(days.filter { $0["isOffDay"] as? Bool == true }.compactMap { $0["date"] as? String })
        let work = Set(days.filter { $0["isOffDay"] as? Bool == false }.compactMap { $0["date"] as? String })
        #expect(off.isSuperset(of: (1...8).map { String(format: "2025-10-%02d", $0) }))
        #expect(work.contains("2025-09-28") && work.contains("2025-10-11"))

        let scratch = try CLI.scratch()
        defer { scratch.remove() }
        #expect(try CLI.run("handbook", ["build", "--root", scratch.root.path]).status == 0)
        let definitions = try #require(try CLI.json(Data(contentsOf: scratch.root.appendingPathComponent("site/forms/definitions.json"))) as? [String: Any])
        let year = try #require((definitions["calendar"] as? [String: Any])?["2025"] as? [String: [String]])
        #expect(Set(year["holidays"] ?? []).filter { $0.hasPrefix("2025") } == off.filter { $0.hasPrefix("2025") })
        #expect(Set(year["workdays"] ?? []) == work)
    }

    /// Received Tuesday 2025-09-30; 3 working days later is Saturday 10-11 (10-09 day 1, 10-10 day 2, 10-11 day 3).
    @Test func solutionDeadlineOverNationalDay() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hb-wd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = try CLI.fixture("forms/valid/complaint-ok.json")
        var expected: [String: Bool] = [:]
        for day in 1...14 {
            let date = String(format: "2025-10-%02d", day)
            for time in ["00:00:00", "23:59:59"] {
                var submission = base
                var values = try #require(submission["values"] as? [String: Any])
                values["solutionAt"] = "\(date)T\(time)+08:00"
                submission["values"] = values
                let name = "solution-\(date)-\(time.prefix(2)).json"
                try JSONSerialization.data(withJSONObject: submission).write(to: dir.appendingPathComponent(name))
                expected[name] = day <= 11
            }
        }
        // The same instant written in another offset still counts by the receipt's (+08:00) date.
        var west = base
        var values = try #require(west["values"] as? [String: Any])
        values["solutionAt"] = "2025-10-11T10:00:00-05:00"   // 2025-10-11 23:00 in +08:00
        west["values"] = values
        try JSONSerialization.data(withJSONObject: west).write(to: dir.appendingPathComponent("solution-west-offset.json"))
        expected["solution-west-offset.json"] = true
        values["solutionAt"] = "2025-10-11T16:30:00Z"         // 2025-10-12 00:30 in +08:00
        west["values"] = values
        try JSONSerialization.data(withJSONObject: west).write(to: dir.appendingPathComponent("solution-utc-late.json"))
        expected["solution-utc-late.json"] = false

        let scratch = try CLI.scratch()
        defer { scratch.remove() }
        let result = try CLI.run("handbook-check", ["--root", scratch.root.path, "--now", CLI.now, "--format", "json", "."], in: dir)
        #expect(result.exited && result.status == 1)
        let report = try CheckFormsCLITests.report(result)
        #expect(report.files.count == expected.count)
        for (name, onTime) in expected {
            let file = "./\(name)"
            #expect(report.files[file]?["status"] as? String == (onTime ? "valid" : "invalid"), "\(name)")
            if !onTime { #expect(report.problems(file) == ["solutionAt|solution-in-3-working-days"], "\(name)") }
        }

        let text = try CLI.run("handbook-check", ["--root", scratch.root.path, "--now", CLI.now, "--lang", "en", "./solution-2025-10-13-00.json"], in: dir)
        #expect(text.lines.first?.contains("solutionAt date 2025-10-13 is after 2025-10-11 (3 working days after 2025-09-30)") == true, "\(text.stdout)")
    }

    /// Not our fault: the rule's `when` is false and the (hidden) solution date is ignored.
    @Test func ruleSkippedWhenNotOurFault() throws {
        let scratch = try CLI.scratch()
        defer { scratch.remove() }
        let result = try CLI.run("handbook-check", ["--root", scratch.root.path, "--now", CLI.now, "forms/valid/complaint-not-our-fault.json"], in: CLI.submissions)
        #expect(result.status == 0)
    }
}
