import Foundation

/// BreakdownBot's script breakdown: what each scene needs.
public struct Breakdown: AgentDocument, Equatable {
    public struct Scene: Codable, Sendable, Equatable {
        public var scene: Int
        public var heading: String
        public var cast: [String]
        public var props: [String]
        public var wardrobe: [String]
        public var locations: [String]
        public var vehicles: [String]
        public var vfx: [String]
        /// `day` or `night`.
        public var dayNight: String
    
        public init(scene: Int, heading: String, cast: [String], props: [String], wardrobe: [String], locations: [String], vehicles: [String], vfx: [String], dayNight: String) {
            self.scene = scene
            self.heading = heading
            self.cast = cast
            self.props = props
            self.wardrobe = wardrobe
            self.locations = locations
            self.vehicles = vehicles
            self.vfx = vfx
            self.dayNight = dayNight
        }
    }

    public var scenes: [Scene]

    public static let kind = "breakdown"
    public static var enums: [String: [String]] { ["day_night": ["day", "night"]] }

    public static var example: Breakdown {
        Breakdown(scenes: [Scene(scene: 1, heading: "EXT. CITY STREET - DAY", cast: ["Rider"], props: ["Bike"], wardrobe: ["Rain jacket"],
                                 locations: ["City street"], vehicles: ["Bus (background)"], vfx: ["Logo end card"], dayNight: "day")])
    }

    func unique(_ list: KeyPath<Scene, [String]>) -> [String] {
        var seen = Set<String>()
        return scenes.flatMap { $0[keyPath: list] }.filter { seen.insert($0.lowercased()).inserted }
    }

    public init(scenes: [Scene]) {
        self.scenes = scenes
    }
}
