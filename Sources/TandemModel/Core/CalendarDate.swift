/// A day in the proleptic Gregorian calendar, without a time zone: due dates,
/// start dates and go-live targets are days, not instants.
public struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let daysSinceEpoch: Int32

    public init(daysSinceEpoch: Int32) { self.daysSinceEpoch = daysSinceEpoch }

    /// Fails on a day that does not exist, e.g. 2026-02-30.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CivilTime.daysIn(month: month, year: year)
        else { return nil }
        self.daysSinceEpoch = Int32(CivilTime.daysFromCivil(year: year, month: month, day: day))
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso8601 text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var components: (year: Int, month: Int, day: Int) {
        CivilTime.civilFromDays(Int(daysSinceEpoch))
    }

    public func adding(days: Int) -> CalendarDate {
        CalendarDate(daysSinceEpoch: daysSinceEpoch + Int32(days))
    }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(to other: CalendarDate) -> Int { Int(other.daysSinceEpoch) - Int(daysSinceEpoch) }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    public var description: String {
        let (y, m, d) = components
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    /// The UTC day that contains a Unix time in milliseconds.
    public init(utcMilliseconds: Int64) {
        let days = utcMilliseconds >= 0 ? utcMilliseconds / 86_400_000 : (utcMilliseconds - 86_399_999) / 86_400_000
        self.daysSinceEpoch = Int32(days)
    }
}

@inline(__always)
func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

/// Calendar arithmetic (Howard Hinnant's days-from-civil algorithms), so the
/// model needs no Foundation calendar.
enum CivilTime {
    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    static func iso8601(milliseconds: Int64) -> String {
        let date = CalendarDate(utcMilliseconds: milliseconds)
        let msOfDay = Int(milliseconds - Int64(date.daysSinceEpoch) * 86_400_000)
        let h = msOfDay / 3_600_000, mi = msOfDay / 60_000 % 60, s = msOfDay / 1000 % 60, ms = msOfDay % 1000
        return "\(date)T\(pad(h, 2)):\(pad(mi, 2)):\(pad(s, 2)).\(pad(ms, 3))Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM[:SS[.mmm]]Z` (or a bare date, as midnight UTC).
    static func parseISO8601(_ text: String) -> Int64? {
        if let date = CalendarDate(iso8601: text) { return Int64(date.daysSinceEpoch) * 86_400_000 }
        var body = Substring(text)
        guard body.hasSuffix("Z") else { return nil }
        body = body.dropLast()
        let halves = body.split(separator: "T", omittingEmptySubsequences: false)
        guard halves.count == 2, let date = CalendarDate(iso8601: halves[0]) else { return nil }
        let clock = halves[1].split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(clock.count),
              let h = Int(clock[0]), let mi = Int(clock[1]), clock[0].count == 2, clock[1].count == 2,
              (0..<24).contains(h), (0..<60).contains(mi)
        else { return nil }
        var ms = 0
        if clock.count == 3 {
            let secParts = clock[2].split(separator: ".", omittingEmptySubsequences: false)
            guard let s = Int(secParts[0]), secParts[0].count == 2, (0..<60).contains(s), secParts.count <= 2 else { return nil }
            ms = s * 1000
            if secParts.count == 2 {
                guard secParts[1].count == 3, let frac = Int(secParts[1]) else { return nil }
                ms += frac
            }
        }
        return Int64(date.daysSinceEpoch) * 86_400_000 + Int64(h * 3_600_000 + mi * 60_000 + ms)
    }
}

/// An instant: Unix time in milliseconds (UTC). Used for check-ins and completion times.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let milliseconds: Int64
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// Parses `YYYY-MM-DDTHH:MM[:SS[.mmm]]Z`, or a bare date as midnight UTC.
    public init?(iso8601 text: String) {
        guard let ms = CivilTime.parseISO8601(text) else { return nil }
        self.milliseconds = ms
    }

    public var date: CalendarDate { CalendarDate(utcMilliseconds: milliseconds) }
    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.milliseconds < rhs.milliseconds }
    public var description: String { CivilTime.iso8601(milliseconds: milliseconds) }
}
