import Foundation

/// Traffic Manager's delivery schedule: which version goes where, with its spec, clock number, slate and dates.
public struct TrafficSchedule: AgentDocument, Equatable {
    public struct Delivery: Codable, Sendable, Equatable {
        public var clockNumber: String
        public var version: String
        /// Platform or station.
        public var destination: String
        public var file: String
        /// `1920x1080 25 fps, 30.00 s` as measured.
        public var spec: String
        /// The slate's lines: clock number, title, client, duration, aspect, date.
        public var slate: [String]
        /// `YYYY-MM-DD`.
        public var deliverBy: String
        public var airDate: String
        /// `pass`, `not audited`, or the failure and who overrode it, with their reason.
        public var qc: String
    }

    /// A version kept out of the schedule: it failed its checks and nobody overrode them.
    public struct Held: Codable, Sendable, Equatable {
        public var version: String
        public var file: String
        public var why: String
    }

    public var title: String
    public var deliveries: [Delivery]
    /// Versions kept out: failed their checks or QC, with no override.
    public var held: [Held]

    /// A schedule of `deliveries`, with the versions `held` out of it.
    public init(title: String, deliveries: [Delivery], held: [Held] = []) {
        self.title = title
        self.deliveries = deliveries
        self.held = held
    }

    public static let kind = "traffic_schedule"

    public static var example: TrafficSchedule {
        TrafficSchedule(title: "Aurora launch", deliveries: [Delivery(clockNumber: "KJK/AURO001/030", version: "youtube", destination: "youtube",
                                                                       file: "/job/versions/youtube.mp4", spec: "1920x1080, 30.00 s",
                                                                       slate: ["KJK/AURO001/030", "Aurora launch"], deliverBy: "2026-01-20", airDate: "2026-01-23", qc: "pass")],
                        held: [Held(version: "tiktok", file: "/job/versions/tiktok.mp4", why: "QC fail, 1 error: loudness -20 LUFS")])
    }
}
