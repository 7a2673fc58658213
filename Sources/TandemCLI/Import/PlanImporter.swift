import Foundation
import TandemModel

/// Builds a plan (or adds to one) from a JSON description, through the
/// validated schema API, so an import can never make what a command could not.
/// Every operation is made in memory and committed by the caller in one
/// transaction: an import lands whole or not at all.
///
/// The format is documented in docs/cli.md ("import").
struct PlanImporter {
    struct Summary { var members = 0, goals = 0, phases = 0, tasks = 0, dependencies = 0 }

    private let root: [String: Any]
    private var memberKeys: [String: EntityID] = [:]
    private var taskKeys: [String: EntityID] = [:]
    private var pendingDependencies: [(task: EntityID, after: String, path: String)] = []
    private(set) var summary = Summary()

    init(data: Data) throws {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw CLIError("invalid-json", "the import file is not valid JSON (\(error.localizedDescription)); see docs/cli.md for the format")
        }
        guard let object = parsed as? [String: Any] else {
            throw CLIError("invalid-import", "the import file must hold a JSON object with 'plan', 'members', 'goals' and/or 'phases'")
        }
        root = object
    }

    mutating func run(into plan: inout OnboardingPlan, today: CalendarDate) throws {
        if let details = root["plan"] {
            let d = try Self.object(details, "plan")
            if plan.planID != nil {
                throw CLIError("plan-exists", "this store already holds a plan; drop the 'plan' object from the file to add to it")
            }
            try plan.createPlan(OnboardingPlan.Details(
                title: try Self.string(d["title"], "plan.title") ?? "\(try Self.string(d["customer"], "plan.customer") ?? "") onboarding",
                customer: try Self.string(d["customer"], "plan.customer") ?? "",
                start: try Self.date(d["start"], "plan.start") ?? today,
                target: try Self.date(d["target"], "plan.target")))
        }
        _ = try plan.requirePlan()
        for (index, item) in try Self.array(root["members"], "members").enumerated() {
            let path = "members[\(index)]"
            let m = try Self.object(item, path)
            let name = try Self.string(m["name"], "\(path).name") ?? ""
            let side = try Side.parse(try Self.string(m["side"], "\(path).side") ?? "")
            let email = try Self.string(m["email"], "\(path).email")
            let role = try Self.string(m["role"], "\(path).role")
            let id = try at(path) { () throws(PlanError) in try plan.addMember(name: name, email: email, side: side, role: role) }
            memberKeys[try Self.string(m["key"], "\(path).key") ?? name] = id
            summary.members += 1
        }
        for (index, item) in try Self.array(root["goals"], "goals").enumerated() {
            let path = "goals[\(index)]"
            let g = try Self.object(item, path)
            let side = try GoalSide.parse(try Self.string(g["side"], "\(path).side") ?? "shared")
            let title = try Self.string(g["title"], "\(path).title") ?? ""
            let measure = try Self.string(g["measure"], "\(path).measure")
            try at(path) { () throws(PlanError) in try plan.addGoal(title: title, side: side, measure: measure) }
            summary.goals += 1
        }
        var lastPhase: EntityID? = plan.phases.last?.id
        for (index, item) in try Self.array(root["phases"], "phases").enumerated() {
            let path = "phases[\(index)]"
            let p = try Self.object(item, path)
            let title = try Self.string(p["title"], "\(path).title") ?? ""
            let phase: EntityID
            if let existing = plan.phases.first(where: { $0.title == title }) {
                phase = existing.id
            } else {
                phase = try at(path) { () throws(PlanError) in try plan.addPhase(title: title, after: lastPhase) }
                lastPhase = phase
                summary.phases += 1
            }
            for (taskIndex, task) in try Self.array(p["tasks"], "\(path).tasks").enumerated() {
                try addTask(task, in: phase, path: "\(path).tasks[\(taskIndex)]", plan: &plan)
            }
        }
        for dependency in pendingDependencies {
            guard let predecessor = taskKeys[dependency.after] else {
                throw CLIError("invalid-import", "\(dependency.path): 'after' names task key '\(dependency.after)', which no task in the file has")
            }
            try at(dependency.path) { () throws(PlanError) in try plan.addDependency(dependency.task, dependsOn: predecessor) }
            summary.dependencies += 1
        }
    }

    private mutating func addTask(_ item: Any, in parent: EntityID, path: String, plan: inout OnboardingPlan) throws {
        let t = try Self.object(item, path)
        let keys = memberKeys
        // Takes the plan as an argument: a copy kept in a closure would make every later edit copy the document.
        func member(_ text: String, _ plan: OnboardingPlan) throws -> EntityID {
            if let id = keys[text] { return id }
            return try EntityResolver(plan: plan).member(text)
        }
        let responsible = try Self.strings(t["responsible"], "\(path).responsible").map { try member($0, plan) }
        let accountable = try Self.string(t["accountable"], "\(path).accountable").map { try member($0, plan) }
        let draft = OnboardingPlan.TaskDraft(
            title: try Self.string(t["title"], "\(path).title") ?? "",
            due: try Self.date(t["due"], "\(path).due"),
            estimateDays: try Self.int(t["estimate"], "\(path).estimate"),
            description: try Self.string(t["description"], "\(path).description"),
            responsible: responsible.first, accountable: accountable)
        let id = try at(path) { () throws(PlanError) in try plan.addTask(draft, in: parent) }
        summary.tasks += 1
        if responsible.count > 1 { try at(path) { () throws(PlanError) in try plan.setRACI(id, .responsible, responsible) } }
        for role in [RACIRole.consulted, .informed] {
            let names = try Self.strings(t[role.rawValue], "\(path).\(role.rawValue)")
            if !names.isEmpty {
                let ids = try names.map { try member($0, plan) }
                try at(path) { () throws(PlanError) in try plan.setRACI(id, role, ids) }
            }
        }
        if let status = try Self.string(t["status"], "\(path).status") {
            let value = try TaskStatus.parse(status, code: .invalidStatus)
            if value != .todo { try at(path) { () throws(PlanError) in try plan.setStatus(id, value, at: Instant(milliseconds: Int64(SystemWallClock.milliseconds()))) } }
        }
        if let key = try Self.string(t["key"], "\(path).key") {
            guard taskKeys[key] == nil else { throw CLIError("invalid-import", "\(path): task key '\(key)' is used twice") }
            taskKeys[key] = id
        }
        for after in try Self.strings(t["after"], "\(path).after") { pendingDependencies.append((id, after, path)) }
        for (index, entry) in try Self.array(t["checklist"], "\(path).checklist").enumerated() {
            let itemPath = "\(path).checklist[\(index)]"
            let (title, owner): (String, String?) = if let text = entry as? String { (text, nil) } else {
                (try Self.string(try Self.object(entry, itemPath)["title"], "\(itemPath).title") ?? "",
                 try Self.string(try Self.object(entry, itemPath)["owner"], "\(itemPath).owner"))
            }
            let ownerID = try owner.map { try member($0, plan) }
            try at(itemPath) { () throws(PlanError) in try plan.addChecklistItem(to: id, title: title, owner: ownerID) }
        }
        for (index, sub) in try Self.array(t["subtasks"], "\(path).subtasks").enumerated() {
            try addTask(sub, in: id, path: "\(path).subtasks[\(index)]", plan: &plan)
        }
    }

    /// Prefixes model errors with where in the file they come from.
    @discardableResult
    private func at<T>(_ path: String, _ body: () throws(PlanError) -> T) throws -> T {
        do { return try body() } catch { throw PlanError(error.code, "\(path): \(error.message)") }
    }

    // MARK: JSON field readers

    static func object(_ value: Any?, _ path: String) throws -> [String: Any] {
        guard let object = value as? [String: Any] else { throw CLIError("invalid-import", "\(path) must be a JSON object") }
        return object
    }

    static func array(_ value: Any?, _ path: String) throws -> [Any] {
        guard let value, !(value is NSNull) else { return [] }
        guard let array = value as? [Any] else { throw CLIError("invalid-import", "\(path) must be a JSON array") }
        return array
    }

    static func string(_ value: Any?, _ path: String) throws -> String? {
        guard let value, !(value is NSNull) else { return nil }
        guard let text = value as? String else { throw CLIError("invalid-import", "\(path) must be a string") }
        return text
    }

    static func strings(_ value: Any?, _ path: String) throws -> [String] {
        if let single = value as? String { return [single] }
        return try array(value, path).enumerated().map { index, item in
            guard let text = item as? String else { throw CLIError("invalid-import", "\(path)[\(index)] must be a string") }
            return text
        }
    }

    static func int(_ value: Any?, _ path: String) throws -> Int? {
        guard let value, !(value is NSNull) else { return nil }
        guard let number = value as? NSNumber, !(value is Bool), number.doubleValue == number.doubleValue.rounded() else {
            throw CLIError("invalid-import", "\(path) must be a whole number")
        }
        return number.intValue
    }

    static func date(_ value: Any?, _ path: String) throws -> CalendarDate? {
        try string(value, path).map { try OnboardingPlan.parseDate($0, path) }
    }
}
