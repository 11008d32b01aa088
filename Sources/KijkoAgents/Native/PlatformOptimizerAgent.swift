import Foundation
import KijkoCore
import KijkoDelivery
public import KijkoPipeline

/// Platform Optimizer: the versions each social platform the brief names wants, with drafted
/// posts and a contact sheet, from the job's master (or the rough cut).
public struct PlatformOptimizerAgent: PipelineAgent {
    public let name = "platform_optimizer"
    public let type = "post"
    /// Decodes, renders or writes pictures: a worker with `media` runs it.
    public let capability = "media"
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
        var versions = DeliveryService.VersionsRequest(master: master, presets: [], outputFolder: folder.path)
        versions.force = true
        var request = DeliveryService.OptimizeRequest(versions: versions, platforms: platforms, brief: given.brief)
        request.now = context.today
        // The same service `kijko optimize` calls.
        let result = try DeliveryService.performOptimize(request, progress: given.progress)
        let set = VersionGeneratorAgent.versionSet(result.report.manifest, master: master, manifestPath: result.versions.manifestPath,
                                                   sheet: result.report.contactSheet)
        return try VersionGeneratorAgent.output(set, given: given)
    }
}
