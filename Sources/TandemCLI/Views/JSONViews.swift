import TandemModel

/// JSON forms of the model's views, for `--json`. Ids are full; dates are `YYYY-MM-DD`.
enum JSONViews {
    static func string(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
    static func id(_ id: EntityID?) -> JSONValue { id.map { .string($0.description) } ?? .null }
    static func date(_ d: CalendarDate?) -> JSONValue { d.map { .string($0.description) } ?? .null }
    static func int(_ i: Int?) -> JSONValue { i.map { .int(Int64($0)) } ?? .null }

    static func member(_ m: MemberView) -> JSONValue {
        .object(["id": id(m.id), "name": .string(m.name), "email": string(m.email), "side": string(m.side?.rawValue), "role": string(m.role)])
    }

    static func goal(_ g: GoalView) -> JSONValue {
        .object(["id": id(g.id), "title": .string(g.title), "side": string(g.side?.rawValue), "measure": string(g.measure), "status": string(g.status?.rawValue)])
    }

    static func task(_ t: TaskView, today: CalendarDate) -> JSONValue {
        .object([
            "id": id(t.id), "title": .string(t.title), "status": .string(t.status.rawValue),
            "due": date(t.due), "estimateDays": int(t.estimateDays), "overdue": .bool(t.isOverdue(on: today)),
            "completed": string(t.completed?.description), "description": string(t.description),
            "responsible": .array(t.responsible.map { id($0) }), "accountable": id(t.accountable),
            "consulted": .array(t.consulted.map { id($0) }), "informed": .array(t.informed.map { id($0) }),
            "phase": id(t.phase), "parentTask": id(t.parentTask),
        ])
    }

    static func plan(_ p: PlanInfoView) -> JSONValue {
        .object([
            "id": id(p.id), "title": .string(p.title), "customer": .string(p.customer),
            "start": date(p.start), "target": date(p.target), "participants": int(p.participants),
            "expertise": string(p.expertise?.rawValue), "approval": string(p.approval?.rawValue), "template": string(p.template),
        ])
    }
}
