import Foundation
import KijkoDelivery
public import KijkoPipeline

/// Platform Optimizer: the versions each social platform the brief names wants, with drafted
/// posts and a contact sheet, from the job's master (or the rough cut).
public struct PlatformOptimizerAgent: PipelineAgent {
    public let name = "platform_optimizer"
    public let type = "post"
    public let context: AgentContext

    public init(context: AgentContext) { self.context = context }

    public func run(_ given: AgentInput) throws -> AgentOutput {
        let facts = try AgentInputs.facts(given)
        let master = try VersionGeneratorAgent.master(given)
        let table = try PlatformRules.load(file: PlatformRules.defaultFile())
        var platforms = facts.platforms.filter { table[$0] != nil }
        if platforms.isEmpty { platforms = ["instagram", "tiktok"].filter { table[$0] != nil } }
        let folder = ArtefactFolder((given.workFolder as NSString).appendingPathComponent("platform"))
        try folder.create()
        let versions = VersionGenerator.Request(master: master, presets: [], outputFolder: folder.path, force: true)
        let loader = PresetLoader(folders: [PresetLoader.defaultFolder()])
        let report = try PlatformOptimizer(.init(versions: versions, platforms: platforms, brief: given.brief, now: context.today),
                                           rules: table, loader: loader).run()
        let set = try VersionGeneratorAgent.versionSet(report.manifest, master: master, folder: folder, sheet: report.contactSheet)
        return try VersionGeneratorAgent.output(set, given: given)
    }
}
