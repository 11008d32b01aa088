import Foundation
public import KijkoEditorial

/// ShotMaster's document is exactly the shot list `kijko assemble --shots` reads.
extension ShotList: AgentDocument {
    public static let kind = "shot_list"
    public static var snakeCaseKeys: Bool { false }
    /// Only `shot` and `duration` are required, as `kijko assemble --shots` reads it.
    public static var optionalKeys: Set<String> {
        ["title", "frame_rate", "scene", "description", "shot_type", "camera_movement", "lighting", "audio", "props_talent", "setup_minutes",
         "source", "reel", "in", "out", "vfx", "hero"]
    }
    public static var enums: [String: [String]] {
        ["shot_type": ["EWS", "WS", "MWS", "MS", "MCU", "CU", "ECU", "OTS", "POV", "INSERT", "AERIAL", "TWO-SHOT"],
         // Timecode rates `kijko assemble --shots` counts in.
         "frame_rate": ["23.976", "24", "25", "29.97", "29.97df", "30", "50", "59.94", "59.94df", "60"]]
    }

    /// A shot list has shots, each a length a take can have (over 0, at most 10 minutes).
    public func violations() -> [String] {
        var found = shots.isEmpty ? ["$.shots: no shots"] : []
        for (i, shot) in shots.enumerated() where !(shot.duration > 0 && shot.duration <= 600) {
            found.append("$.shots[\(i)].duration: \(shot.duration) s is not a shot's length (over 0, at most 600)")
        }
        return found
    }

    public static var example: ShotList {
        var shot = Shot(shot: "1A", scene: "1", description: "Rider enters frame left", duration: 4.0, source: "A001_C003.mov",
                        reel: "A001", in: "01:00:10:00", out: "01:00:14:00", vfx: false)
        shot.shotType = "WS"
        shot.cameraMovement = "static"
        shot.lighting = "natural, late afternoon"
        shot.audio = "wild track, traffic"
        shot.propsTalent = ["rider", "bike"]
        shot.setupMinutes = 20
        shot.hero = true
        return ShotList(title: "Aurora", frameRate: "25", shots: [shot])
    }

    /// Seconds, all shots.
    public var totalDuration: Double { shots.reduce(0) { $0 + $1.duration } }
}
