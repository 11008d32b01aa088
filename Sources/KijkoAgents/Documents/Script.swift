import Foundation

/// ScriptSmith's script: the main version and two alternatives, scene by scene.
public struct Script: AgentDocument, Equatable {
    public struct Scene: Codable, Sendable, Equatable {
        public var number: Int
        /// `INT. KITCHEN - DAY`.
        public var heading: String
        public var action: String
        /// Voice-over or dialogue; empty when none.
        public var dialogue: String
        /// On-screen text.
        public var supers: [String]
        /// Seconds.
        public var estimatedDuration: Double
    
        public init(number: Int, heading: String, action: String, dialogue: String, supers: [String], estimatedDuration: Double) {
            self.number = number
            self.heading = heading
            self.action = action
            self.dialogue = dialogue
            self.supers = supers
            self.estimatedDuration = estimatedDuration
        }
    }

    public struct Version: Codable, Sendable, Equatable {
        public var title: String
        public var approach: String
        public var scenes: [Scene]

        public var duration: Double { scenes.reduce(0) { $0 + $1.estimatedDuration } }

        public init(title: String, approach: String, scenes: [Scene]) {
            self.title = title
            self.approach = approach
            self.scenes = scenes
        }
    }

    public var title: String
    public var logline: String
    /// Seconds, from the VRD.
    public var targetDuration: Double
    public var main: Version
    public var alternatives: [Version]

    public static let kind = "script"

    /// A main version with scenes, and every scene some length (code scales them to the target).
    public func violations() -> [String] {
        var found = main.scenes.isEmpty ? ["$.main.scenes: no scenes"] : []
        for (v, version) in ([main] + alternatives).enumerated() {
            let path = v == 0 ? "$.main" : "$.alternatives[\(v - 1)]"
            for (i, scene) in version.scenes.enumerated() where !(scene.estimatedDuration > 0 && scene.estimatedDuration.isFinite) {
                found.append("\(path).scenes[\(i)].estimated_duration: \(scene.estimatedDuration) s is not a scene's length (over 0)")
            }
        }
        return found
    }

    public static var example: Script {
        let scene = Scene(number: 1, heading: "EXT. CITY STREET - DAY", action: "A rider weaves through traffic.", dialogue: "VO: Lighter.",
                          supers: ["Aurora. Ride light."], estimatedDuration: 10)
        let version = Version(title: "Main", approach: "Hero journey", scenes: [scene])
        return Script(title: "Aurora", logline: "A commute, made light.", targetDuration: 30, main: version, alternatives: [version])
    }

    /// The script as numbered lines (what `script.md` holds and what the legal review cites).
    public var lines: [String] {
        var lines = ["# \(title)", "", "_\(logline)_", ""]
        for (index, version) in ([main] + alternatives).enumerated() {
            lines.append(index == 0 ? "## Main: \(version.title) (\(version.approach))" : "## Alternative \(index): \(version.title) (\(version.approach))")
            lines.append("")
            for scene in version.scenes {
                lines.append("### \(scene.number). \(scene.heading) — \(String(format: "%.1f", scene.estimatedDuration)) s")
                lines.append(scene.action)
                if !scene.dialogue.isEmpty { lines.append(scene.dialogue) }
                for s in scene.supers { lines.append("SUPER: \(s)") }
                lines.append("")
            }
        }
        return lines
    }

    public init(title: String, logline: String, targetDuration: Double, main: Version, alternatives: [Version]) {
        self.title = title
        self.logline = logline
        self.targetDuration = targetDuration
        self.main = main
        self.alternatives = alternatives
    }
}
