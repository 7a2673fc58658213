import ArgumentParser

/// The root of the `tandem` command tree.
struct TandemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tandem",
        abstract: "A local-first, shared onboarding plan for you and your customer.",
        discussion: """
        Every edit is stored at once in a local SQLite replica (default ./.tandem) and \
        works with no network. Entity ids may be shortened to any unique prefix, like \
        git's short hashes; members may also be named by exact name or email.

        ENVIRONMENT
          TANDEM_STORE   store directory when --store is not given
          TANDEM_TODAY   pin "today" (YYYY-MM-DD) for reproducible output
          NO_COLOR       never use colour (colour is only used on a terminal anyway)

        EXIT CODES
          0  success
          1  the operation failed: store missing, busy (another tandem is writing), damaged, or I/O error
          2  the command was wrong: bad arguments, dates, unknown or ambiguous ids, or a change the plan's rules refuse
        """,
        version: "0.1.0",
        subcommands: [
            InitCommand.self, ConfigCommand.self, PlanCommand.self, TemplateCommand.self,
            MemberCommand.self, GoalCommand.self, PhaseCommand.self, TaskCommand.self,
            ChecklistCommand.self, RACICommand.self, DependencyCommand.self,
            CheckInCommand.self, ResourceCommand.self, FormCommand.self, FeedbackCommand.self,
            CommentCommand.self, DocCommand.self, InternalCommand.self, DeleteCommand.self, RestoreCommand.self,
            StatusCommand.self, TasksCommand.self, HistoryCommand.self, ConflictsCommand.self,
            ScheduleCommand.self, WhatIfCommand.self, BaselineCommand.self, FollowUpsCommand.self, RemindersCommand.self,
            InviteCommand.self, ReportCommand.self, AnalyticsCommand.self,
            ExportCommand.self, ImportCommand.self, DemoCommand.self, DebugCommand.self,
            JoinCommand.self, SyncCommand.self, AdminCommand.self,
        ]
    )
}
