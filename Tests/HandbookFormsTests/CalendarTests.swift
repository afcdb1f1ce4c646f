import Testing
@testable import HandbookForms

@Suite("Working-day calendar")
struct CalendarTests {
    let cal = WorkingCalendar.official

    func d(_ s: String) -> CivilDate { CivilDate(s)! }

    @Test func civilDates() {
        #expect(d("1970-01-01").dayNumber == 0)
        #expect(d("2025-01-26").weekday == 7)
        #expect(d("2025-09-28").weekday == 7)
        #expect(d("2025-10-11").weekday == 6)
        #expect(CivilDate(dayNumber: d("2024-02-28").dayNumber + 1) == d("2024-02-29"))
        #expect(d("2023-02-28").adding(days: 1) == d("2023-03-01"))
        #expect(CivilDate("2023-02-29") == nil)
        #expect(CivilDate("2025-1-01") == nil)
        #expect(CivilDate("2025-01-01T00:00") == nil)
        #expect(d("2025-03-04").description == "2025-03-04")
    }

    @Test func adjustedWeekendsAndHolidays() throws {
        #expect(try cal.isWorkingDay(d("2025-01-26")))   // Sunday, 春节调休上班
        #expect(try cal.isWorkingDay(d("2025-09-28")))   // Sunday, 国庆调休上班
        #expect(try cal.isWorkingDay(d("2025-10-11")))   // Saturday, 国庆调休上班
        #expect(try cal.isWorkingDay(d("2026-02-14")))   // Saturday, 春节调休上班
        #expect(try cal.isWorkingDay(d("2023-10-07")))
        #expect(try !cal.isWorkingDay(d("2025-01-28")))  // 除夕
        #expect(try !cal.isWorkingDay(d("2025-10-08")))  // Wednesday, 国庆中秋
        #expect(try !cal.isWorkingDay(d("2024-10-07")))
        #expect(try !cal.isWorkingDay(d("2025-03-08")))  // ordinary Saturday
        #expect(try cal.isWorkingDay(d("2025-03-07")))   // ordinary Friday
        #expect(try !cal.isWorkingDay(d("2023-01-02")))  // 元旦 (Monday)
    }

    @Test("N working days after a date", arguments: [
        ("2025-01-24", 1, "2025-01-26"), ("2025-01-24", 2, "2025-01-27"), ("2025-01-24", 3, "2025-02-05"),
        ("2025-01-27", 1, "2025-02-05"), ("2025-02-07", 1, "2025-02-08"),
        ("2025-09-26", 1, "2025-09-28"), ("2025-09-26", 3, "2025-09-30"), ("2025-09-30", 1, "2025-10-09"),
        ("2025-09-30", 3, "2025-10-11"), ("2025-09-30", 4, "2025-10-13"),
        ("2024-02-08", 3, "2024-02-19"), ("2024-09-27", 1, "2024-09-29"), ("2024-09-30", 1, "2024-10-08"),
        ("2023-09-28", 1, "2023-10-07"), ("2023-09-28", 2, "2023-10-08"), ("2023-12-29", 1, "2024-01-02"),
        ("2026-02-12", 2, "2026-02-14"), ("2026-02-12", 3, "2026-02-24"),
        ("2025-03-04", 0, "2025-03-04"), ("2025-03-07", 1, "2025-03-10"),
    ])
    func addWorkingDays(_ from: String, _ n: Int, _ expected: String) throws {
        #expect(try cal.addWorkingDays(from, n) == expected)
    }

    @Test func missingYearIsAnError() {
        #expect(throws: CalendarError.missingYear(2027)) { try cal.addWorkingDays(d("2027-03-01"), 1) }
        #expect(throws: CalendarError.missingYear(2027)) { try cal.addWorkingDays(d("2026-12-30"), 3) }
        #expect(throws: CalendarError.missingYear(2022)) { try cal.isWorkingDay(d("2022-06-01")) }
        #expect(CalendarError.missingYear(2027).messageEN == "no official calendar for 2027")
        #expect(CalendarError.missingYear(2027).message == "没有2027年的法定节假日日历")
        #expect(cal.hasData(for: 2023) && cal.hasData(for: 2026) && !cal.hasData(for: 2027))
    }

    @Test func companyDaysOffAndJSONData() throws {
        let company = cal.addingDaysOff([d("2025-03-10")])
        #expect(try company.addWorkingDays(d("2025-03-07"), 1) == d("2025-03-11"))
        #expect(try cal.addWorkingDays(d("2025-03-07"), 1) == d("2025-03-10"))
        let data: JSONValue = ["2027": ["holidays": ["2027-01-01"], "workdays": ["2027-01-02"]]]
        let c27 = try #require(WorkingCalendar(json: data))
        #expect(throws: CalendarError.missingYear(2027)) { try cal.addWorkingDays(d("2027-01-01"), 1) }
        #expect(try c27.addWorkingDays(d("2027-01-01"), 1) == d("2027-01-02"))
        #expect(WorkingCalendar(json: ["x": ["holidays": [], "workdays": []]]) == nil)
        #expect(WorkingCalendar(json: ["2027": ["holidays": ["2027-13-01"], "workdays": []]]) == nil)
    }

    @Test func generatedDataMatchesTheNotices() {
        let data = WorkingCalendar.officialData
        #expect(Set(data.keys) == [2023, 2024, 2025, 2026])
        #expect(data[2025]?.workdays == ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"])
        #expect(data[2023]?.holidays.contains("2022-12-31") == true)
        #expect(data[2026]?.holidays.count == 33)
    }
}
