import TandemModel

extension Distribution {
    /// Percentiles, the histogram and the counts (the mean is included, never alone).
    public var json: JSONValue {
        .object([
            "count": .int(Int64(count)), "unfinished": .int(Int64(unfinished)),
            "p10": .number(p10), "p50": .number(p50), "p90": .number(p90),
            "min": .number(values.first), "max": .number(values.last), "mean": mean.map(JSONValue.double) ?? .null,
            "binDays": .int(Int64(binWidth)),
            "histogram": .array(histogram.map { .object(["from": .int(Int64($0.lower)), "to": .int(Int64($0.upper)), "count": .int(Int64($0.count))]) }),
        ])
    }
}

extension CrossPlanAnalytics.Rate {
    public var json: JSONValue {
        .object(["hits": .int(Int64(hits)), "total": .int(Int64(total)), "rate": value.map(JSONValue.double) ?? .null])
    }
}

extension CrossPlanAnalytics {
    /// Everything as JSON; `limit` caps the ranked task and phase lists.
    public func json(limit: Int = 20) -> JSONValue {
        func dropOff(_ d: DropOff) -> JSONValue {
            .object(["template": .string(d.template), "phase": .string(d.phase), "task": .text(d.task), "instances": .int(Int64(d.instances)),
                     "stalled": .int(Int64(d.stalled)), "overdue": .int(Int64(d.overdue)), "reopened": .int(Int64(d.reopened)),
                     "stalledRate": .double(d.stalledRate), "overdueRate": .double(d.overdueRate), "reopenRate": .double(d.reopenRate)])
        }
        return .object([
            "plans": .int(Int64(planCount)),
            "stalledAfterDays": .int(Int64(options.stalledAfterDays)),
            "timeToValue": timeToValue.json,
            "tasksByDropOff": .array(tasks.prefix(limit).map(dropOff)),
            "phasesByDropOff": .array(phases.prefix(limit).map(dropOff)),
            "segments": .array(segments.map { s in
                .object(["dimension": .string(s.dimension), "value": .string(s.value), "plans": .int(Int64(s.plans)),
                         "timeToValue": s.timeToValue.json, "onTime": s.onTime.json, "onTimeInternal": s.onTimeInternal.json,
                         "onTimeCustomer": s.onTimeCustomer.json, "stalledPlans": s.stalledPlans.json])
            }),
            "onTimeBySide": .object(Dictionary(uniqueKeysWithValues: onTimeBySide.map { ($0.key.rawValue, $0.value.json) })),
            "satisfaction": .array(satisfaction.map { s in
                .object(["template": .string(s.template), "phase": .string(s.phase), "counts": .array(s.counts.map { .int(Int64($0)) }),
                         "responses": .int(Int64(s.responses)), "satisfied": s.satisfied.json, "mean": s.mean.map(JSONValue.double) ?? .null])
            }),
        ])
    }
}
