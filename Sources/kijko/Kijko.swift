import ArgumentParser

/// The `kijko` command and its subcommands (run from `main.swift`).
struct Kijko: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kijko",
        abstract: "A local post-production pipeline on FFmpeg's libraries.",
        version: "0.1.0",
        subcommands: [ProbeCommand.self, SynthCommand.self, StampsCommand.self, EDLCommand.self, AssembleCommand.self, VersionsCommand.self, OptimizeCommand.self, QCCommand.self, KeyframesCommand.self, GradeCommand.self,
                      RunCommand.self, ResumeCommand.self, JobsCommand.self, StatusCommand.self, ApprovalsCommand.self,
                      ApproveCommand.self, RejectCommand.self, MetricsCommand.self, TracesCommand.self, CheckStoreCommand.self,
                      ServeCommand.self, UsersCommand.self, WorkerCommand.self, WorkersCommand.self])
}
