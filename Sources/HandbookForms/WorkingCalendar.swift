// Working-day arithmetic over official holiday data (docs/blocks.md, "Working days").

/// One year of calendar data: official holidays (放假) and adjusted working days (调休上班), `YYYY-MM-DD`.
public struct CalendarYear: Sendable, Equatable, Codable {
    public var holidays: [String]
    public var workdays: [String]
    public init(holidays: [String], workdays: [String]) { self.holidays = holidays; self.workdays = workdays }
}

public enum CalendarError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No official calendar data for this year.
    case missingYear(Int)
    public var description: String { messageEN }
    public var messageEN: String {
        switch self { case .missingYear(let y): return "no official calendar for \(y)" }
    }
    public var message: String {
        switch self { case .missingYear(let y): return "没有\(y)年的法定节假日日历" }
    }
}

/// A working-day calendar: Monday–Friday work unless an official holiday; a weekend day listed as an
/// adjusted working day works; company extra days off are never working days.
public struct WorkingCalendar: Sendable, Equatable {
    public private(set) var years: Set<Int>
    private var holidays: Set<Int>   // day numbers
    private var workdays: Set<Int>
    private var extraOff: Set<Int>

    /// - Parameters:
    ///   - years: year → data. The key decides which years are "covered"; a year's lists may contain
    ///     dates of the neighbouring year (a notice for 2023 lists 2022-12-31), which are honoured too.
    ///   - extraDaysOff: company-specific days off (dates), on top of the official calendar.
    public init(years: [Int: CalendarYear], extraDaysOff: [CivilDate] = []) {
        self.years = Set(years.keys)
        var h = Set<Int>(), w = Set<Int>()
        for (_, y) in years {
            for s in y.holidays { if let d = CivilDate(s) { h.insert(d.dayNumber) } }
            for s in y.workdays { if let d = CivilDate(s) { w.insert(d.dayNumber) } }
        }
        holidays = h; workdays = w
        extraOff = Set(extraDaysOff.map(\.dayNumber))
    }

    /// Data in the JSON shape of docs/blocks.md: `{"2025": {"holidays": [...], "workdays": [...]}}`.
    /// Returns nil when a key is not a year or a date is malformed.
    public init?(json: JSONValue, extraDaysOff: [CivilDate] = []) {
        guard let obj = json.objectValue else { return nil }
        var out: [Int: CalendarYear] = [:]
        for (k, v) in obj {
            guard let y = Int(k), let h = v["holidays"]?.arrayValue, let w = v["workdays"]?.arrayValue else { return nil }
            let hs = h.compactMap(\.stringValue), ws = w.compactMap(\.stringValue)
            guard hs.count == h.count, ws.count == w.count,
                  (hs + ws).allSatisfy({ CivilDate($0) != nil }) else { return nil }
            out[y] = CalendarYear(holidays: hs, workdays: ws)
        }
        self.init(years: out, extraDaysOff: extraDaysOff)
    }

    /// The same calendar with company extra days off added.
    public func addingDaysOff(_ days: [CivilDate]) -> WorkingCalendar {
        var c = self
        for d in days { c.extraOff.insert(d.dayNumber) }
        return c
    }

    public func hasData(for year: Int) -> Bool { years.contains(year) }

    /// Whether `date` is a working day; throws when its year has no data.
    public func isWorkingDay(_ date: CivilDate) throws(CalendarError) -> Bool {
        guard years.contains(date.year) else { throw .missingYear(date.year) }
        let n = date.dayNumber
        if extraOff.contains(n) { return false }
        if workdays.contains(n) { return true }
        if holidays.contains(n) { return false }
        return date.weekday <= 5
    }

    /// The N-th working day after `date` (the first working day after `date`'s day is day 1).
    /// `n == 0` returns `date`. Every day stepped over must be in a year with data.
    public func addWorkingDays(_ date: CivilDate, _ n: Int) throws(CalendarError) -> CivilDate {
        precondition(n >= 0, "addWorkingDays needs n >= 0")
        var d = date
        var left = n
        var guardDays = 0
        while left > 0 {
            d = d.adding(days: 1)
            if try isWorkingDay(d) { left -= 1 }
            guardDays += 1
            if guardDays > 3660 { throw .missingYear(d.year) }
        }
        return d
    }

    /// String convenience: `"2025-01-24"` + 1 → `"2025-01-26"`. Returns nil for a malformed date.
    public func addWorkingDays(_ date: String, _ n: Int) throws(CalendarError) -> String? {
        guard let d = CivilDate(date) else { return nil }
        return try addWorkingDays(d, n).description
    }
}
