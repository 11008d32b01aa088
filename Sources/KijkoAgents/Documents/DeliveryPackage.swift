import Foundation

/// Distribution's package: each scheduled file placed in its destination's folder under its
/// clock number, with a slate text and its SHA-256.
public struct DeliveryPackage: AgentDocument, Equatable {
    public struct Item: Codable, Sendable, Equatable {
        public var clockNumber: String
        public var destination: String
        public var path: String
        public var slate: String
        public var bytes: Int
        public var sha256: String
        /// `pass`, `not audited`, or the failure and who overrode it, with their reason.
        public var qc: String
    }

    public var folder: String
    public var items: [Item]

    public static let kind = "delivery_package"

    public static var example: DeliveryPackage {
        DeliveryPackage(folder: "/job/deliveries", items: [Item(clockNumber: "KJK/AURO001/030", destination: "youtube", path: "/job/deliveries/youtube/KJK-AURO001-030.mp4",
                                                                slate: "/job/deliveries/youtube/KJK-AURO001-030.slate.txt", bytes: 1000, sha256: "00", qc: "pass")])
    }
}
