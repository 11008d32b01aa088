public import KijkoPresets
public import Foundation
import KijkoMedia
public import KijkoCore

/// The Platform Optimizer: from a master and a list of platforms, every version those platforms
/// take (through the Version Generator, one decode), the copy to post each with, and a contact
/// sheet of the set with the safe zones drawn.
public struct PlatformOptimizer {
    public struct Request: Sendable {
        public var versions: VersionGenerator.Request
        public var platforms: [String]
        /// The brief's text, for the drafted copy.
        public var brief: String?
        /// Now, for the posting slots (a fixed date makes drafts reproducible).
        public var now: Date

        public init(versions: VersionGenerator.Request, platforms: [String], brief: String? = nil, now: Date = Date()) {
            self.versions = versions
            self.platforms = platforms
            self.brief = brief
            self.now = now
        }
    }

    /// What `kijko optimize` reports (and writes as `optimize.json`).
    public struct Report: Codable, Sendable {
        public struct Platform: Codable, Sendable {
            public var name: String
            public var presets: [String]
            public var post: PostDraft
        }

        public var master: String
        public var platforms: [Platform]
        public var contactSheet: String?
        public var manifest: Manifest
    }

    public let request: Request
    public let rules: [String: PlatformRules]
    public let loader: PresetLoader

    public init(_ request: Request, rules: [String: PlatformRules], loader: PresetLoader) {
        self.request = request
        self.rules = rules
        self.loader = loader
    }

    /// The platforms' rules, in request order; an unknown platform names the known ones.
    public func chosenRules() throws(PresetError) -> [PlatformRules] {
        try request.platforms.map { name throws(PresetError) -> PlatformRules in
            guard let found = rules[name.lowercased()] else {
                throw PresetError(file: PlatformRules.defaultFile(),
                                  message: "no platform named \(name) (have: \(rules.keys.sorted().joined(separator: ", ")))")
            }
            return found
        }
    }

    /// Renders the platforms' versions (cancellable as ``VersionGenerator/run(cancel:progress:)``),
    /// drafts each platform's post and draws the contact sheet.
    public func run(cancel: CancellationFlag? = nil, progress: ((VersionGenerator.Progress) -> Void)? = nil) throws -> Report {
        let chosen = try chosenRules()
        var names: [String] = []
        for platform in chosen { for preset in platform.presets where !names.contains(preset) { names.append(preset) } }
        var versions = request.versions
        versions.presets = try loader.named(names)
        let manifest = try VersionGenerator(versions).run(cancel: cancel, progress: progress)

        let drafter = PostDrafter(brief: request.brief, master: versions.master)
        let platforms = chosen.map { Report.Platform(name: $0.name, presets: $0.presets, post: drafter.draft(for: $0, now: request.now)) }
        let items = manifest.deliverables.filter { $0.status != .failed }.compactMap { entry -> ContactSheet.Item? in
            guard let preset = versions.presets.first(where: { $0.name == entry.preset }), preset.kind == .video else { return nil }
            return ContactSheet.Item(path: entry.path, label: "\(preset.name) \(preset.width)x\(preset.height)", safeZone: preset.safeZone)
        }
        var sheet: String?
        if !items.isEmpty {
            let path = (versions.outputFolder as NSString).appendingPathComponent("contact-sheet.png")
            try ContactSheet.write(items, to: path)
            sheet = path
        }
        return Report(master: versions.master, platforms: platforms, contactSheet: sheet, manifest: manifest)
    }
}
