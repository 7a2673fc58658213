import TandemModel

/// How every date moved since a baseline: due dates, projected starts and
/// finishes, and the go-live. Positive days are later than the baseline.
public struct BaselineComparison: Hashable, Sendable {
    public struct Row: Hashable, Sendable {
        public let task: EntityID
        public let baseline: BaselineEntry?
        public let due: CalendarDate?
        public let start: CalendarDate?
        public let finish: CalendarDate?
        /// nil when either side has no date.
        public let dueDelta: Int?
        public let startDelta: Int?
        public let finishDelta: Int?
        /// Added after the baseline was saved.
        public var isNew: Bool { baseline == nil }
    }

    public let name: String
    public let savedAt: Instant?
    public let rows: [Row]
    /// Tasks in the baseline that are gone (deleted) now.
    public let removed: [EntityID]
    public let baselineGoLive: CalendarDate?
    public let goLive: CalendarDate?
    public let baselineTarget: CalendarDate?
    public let target: CalendarDate?

    public var goLiveDelta: Int? {
        guard let a = baselineGoLive, let b = goLive else { return nil }
        return a.days(to: b)
    }

    public init(baseline: BaselineView, schedule: Schedule) {
        name = baseline.name
        savedAt = baseline.savedAt
        baselineGoLive = baseline.goLive
        goLive = schedule.goLiveDate
        baselineTarget = baseline.target
        target = schedule.target
        var saved: [EntityID: BaselineEntry] = [:]
        for entry in baseline.entries { saved[entry.task] = entry }
        func delta(_ a: CalendarDate?, _ b: CalendarDate?) -> Int? {
            guard let a, let b else { return nil }
            return a.days(to: b)
        }
        var rows: [Row] = []
        var present: Set<EntityID> = []
        for timing in schedule.tasks {
            guard let id = timing.task else { continue }
            present.insert(id)
            let entry = saved[id]
            let due = timing.due.map { CalendarDate(daysSinceEpoch: Int32($0)) }
            rows.append(Row(task: id, baseline: entry, due: due, start: timing.start, finish: timing.finish,
                            dueDelta: delta(entry?.due, due), startDelta: delta(entry?.start, timing.start),
                            finishDelta: delta(entry?.finish, timing.finish)))
        }
        self.rows = rows
        removed = baseline.entries.map(\.task).filter { !present.contains($0) }
    }

    /// The entries to save as a baseline now: every task's due date and projected start and finish.
    public static func entries(of schedule: Schedule) -> [BaselineEntry] {
        schedule.tasks.compactMap { timing in
            timing.task.map { BaselineEntry(task: $0, due: timing.due.map { CalendarDate(daysSinceEpoch: Int32($0)) },
                                            start: timing.start, finish: timing.finish) }
        }
    }
}
