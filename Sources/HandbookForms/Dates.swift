// Hand-written ISO 8601 parsing on UTF-8 bytes and proleptic Gregorian day arithmetic (no Foundation).

/// A calendar date (proleptic Gregorian).
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) { self.year = year; self.month = month; self.day = day }

    /// Parses exactly `YYYY-MM-DD` (a real date); nil otherwise.
    public init?(_ string: String) {
        var s = string
        let r: CivilDate? = s.withUTF8 { buf in
            guard buf.count == 10 else { return nil }
            return ISO.parseDate(buf, 0)
        }
        guard let r else { return nil }
        self = r
    }

    /// Days since 1970-01-01.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init(dayNumber z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    /// 1 = Monday … 7 = Sunday.
    public var weekday: Int {
        let w = (dayNumber + 3) % 7  // 1970-01-01 was a Thursday
        return (w < 0 ? w + 7 : w) + 1
    }

    public func adding(days n: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + n) }

    public static func < (a: CivilDate, b: CivilDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public var description: String {
        func pad(_ n: Int, _ w: Int) -> String {
            let s = String(n)
            return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// A date-time with an explicit UTC offset.
public struct OffsetDateTime: Sendable, Hashable, CustomStringConvertible {
    /// The local calendar date (in the value's own offset).
    public var date: CivilDate
    /// Milliseconds since local midnight.
    public var millisOfDay: Int
    /// Offset from UTC in seconds (+08:00 → 28800).
    public var offsetSeconds: Int

    /// Parses `YYYY-MM-DDTHH:MM[:SS[.fff…]](Z|±HH:MM)`. Returns nil on any other shape.
    public init?(_ string: String) {
        var s = string
        guard let r = s.withUTF8({ ISO.parseDateTime($0) }) else { return nil }
        self = r
    }

    init(date: CivilDate, millisOfDay: Int, offsetSeconds: Int) {
        self.date = date; self.millisOfDay = millisOfDay; self.offsetSeconds = offsetSeconds
    }

    /// Milliseconds since the Unix epoch (UTC).
    public var epochMillis: Int { date.dayNumber * 86_400_000 + millisOfDay - offsetSeconds * 1000 }

    /// The local date of this instant in another offset.
    public func date(inOffset seconds: Int) -> CivilDate {
        let local = epochMillis + seconds * 1000
        let day = local >= 0 ? local / 86_400_000 : (local - 86_399_999) / 86_400_000
        return CivilDate(dayNumber: day)
    }

    public var description: String {
        let t = millisOfDay / 1000
        func p2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let off = offsetSeconds == 0 ? "Z" : (offsetSeconds < 0 ? "-" : "+") + p2(abs(offsetSeconds) / 3600) + ":" + p2(abs(offsetSeconds) % 3600 / 60)
        return "\(date)T\(p2(t / 3600)):\(p2(t % 3600 / 60)):\(p2(t % 60))\(off)"
    }
}

enum ISO {
    @inline(__always)
    static func digits(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ n: Int) -> Int? {
        guard at + n <= b.count else { return nil }
        var v = 0
        for i in at..<(at + n) {
            let c = b[i]
            guard c >= 48, c <= 57 else { return nil }
            v = v * 10 + Int(c - 48)
        }
        return v
    }

    static func parseDate(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) -> CivilDate? {
        guard at + 10 <= b.count, b[at + 4] == 45, b[at + 7] == 45,
              let y = digits(b, at, 4), let m = digits(b, at + 5, 2), let d = digits(b, at + 8, 2),
              m >= 1, m <= 12, d >= 1, d <= CivilDate.daysInMonth(y, m) else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }

    /// Why a datetime string is not valid; nil when valid.
    enum DateTimeError { case shape, missingOffset }

    static func parseDateTime(_ b: UnsafeBufferPointer<UInt8>) -> OffsetDateTime? {
        if case .success(let v) = parseDateTimeDetailed(b) { return v }
        return nil
    }

    static func parseDateTimeDetailed(_ b: UnsafeBufferPointer<UInt8>) -> Result<OffsetDateTime, DateTimeErrorBox> {
        guard let date = parseDate(b, 0), b.count >= 16, b[10] == 84 /* T */,
              let hh = digits(b, 11, 2), b[13] == 58, let mm = digits(b, 14, 2), hh <= 23, mm <= 59
        else { return .failure(.init(.shape)) }
        var i = 16
        var ss = 0, millis = 0
        if i < b.count, b[i] == 58 {
            guard let s = digits(b, i + 1, 2), s <= 59 else { return .failure(.init(.shape)) }
            ss = s; i += 3
            if i < b.count, b[i] == 46 || b[i] == 44 {
                i += 1
                var n = 0, scale = 100
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    millis += Int(b[i] - 48) * scale; scale /= 10; i += 1; n += 1
                }
                guard n > 0 else { return .failure(.init(.shape)) }
            }
        }
        guard i < b.count else { return .failure(.init(.missingOffset)) }
        var offset = 0
        if b[i] == 90 || b[i] == 122 { // Z z
            guard i + 1 == b.count else { return .failure(.init(.shape)) }
        } else if b[i] == 43 || b[i] == 45 {
            guard i + 6 == b.count, let oh = digits(b, i + 1, 2), b[i + 3] == 58, let om = digits(b, i + 4, 2),
                  oh <= 18, om <= 59 else { return .failure(.init(.shape)) }
            offset = (oh * 3600 + om * 60) * (b[i] == 45 ? -1 : 1)
        } else {
            return .failure(.init(.shape))
        }
        return .success(OffsetDateTime(date: date, millisOfDay: ((hh * 60 + mm) * 60 + ss) * 1000 + millis, offsetSeconds: offset))
    }

    struct DateTimeErrorBox: Error { let kind: DateTimeError; init(_ k: DateTimeError) { kind = k } }

    /// Classifies a datetime string: valid, wrong shape, or a local time without offset.
    static func checkDateTime(_ s: String) -> Result<OffsetDateTime, DateTimeErrorBox> {
        var s = s
        return s.withUTF8 { parseDateTimeDetailed($0) }
    }
}
