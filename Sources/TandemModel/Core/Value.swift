/// A typed field value.
///
/// Fields are last-writer-wins registers holding one of these; `.null` clears
/// a field (the write is still recorded in history).
public enum Value: Hashable, Sendable, CustomStringConvertible {
    case null
    case string(String)
    case int(Int64)
    case bool(Bool)
    case date(CalendarDate)
    case instant(Instant)
    case reference(EntityID)
    /// A symbol from a closed set, e.g. a task status; the schema checks the set.
    case symbol(String)

    public var description: String {
        switch self {
        case .null: return "—"
        case .string(let s): return s
        case .int(let i): return String(i)
        case .bool(let b): return b ? "yes" : "no"
        case .date(let d): return d.description
        case .instant(let i): return i.description
        case .reference(let e): return e.short()
        case .symbol(let s): return s
        }
    }

    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var int: Int64? { if case .int(let i) = self { return i } else { return nil } }
    public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var date: CalendarDate? { if case .date(let d) = self { return d } else { return nil } }
    public var instant: Instant? { if case .instant(let i) = self { return i } else { return nil } }
    public var reference: EntityID? { if case .reference(let e) = self { return e } else { return nil } }
    public var symbol: String? { if case .symbol(let s) = self { return s } else { return nil } }
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// A stable name for the type, used in JSON and errors.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .string: return "string"
        case .int: return "int"
        case .bool: return "bool"
        case .date: return "date"
        case .instant: return "instant"
        case .reference: return "reference"
        case .symbol: return "symbol"
        }
    }
}

extension Value: Comparable {
    /// A total order so that set members and exports have one canonical order.
    public static func < (lhs: Value, rhs: Value) -> Bool {
        if lhs.rank != rhs.rank { return lhs.rank < rhs.rank }
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)), (.symbol(let a), .symbol(let b)):
            return a.utf8.lexicographicallyPrecedes(b.utf8)
        case (.int(let a), .int(let b)): return a < b
        case (.bool(let a), .bool(let b)): return !a && b
        case (.date(let a), .date(let b)): return a < b
        case (.instant(let a), .instant(let b)): return a < b
        case (.reference(let a), .reference(let b)): return a < b
        default: return false
        }
    }

    private var rank: Int {
        switch self {
        case .null: return 0
        case .bool: return 1
        case .int: return 2
        case .date: return 3
        case .instant: return 4
        case .string: return 5
        case .symbol: return 6
        case .reference: return 7
        }
    }
}
