/// Every QC check, in the order a report's legend and JUnit list them.
enum QCChecks {
    static let all: [any QCCheck] = [
        BlackCheck(), FreezeCheck(), FlashCheck(), LevelRangeCheck.luma, LevelRangeCheck.chroma, LetterboxCheck(),
        BlockinessCheck(), InterlaceCheck(), LoudnessCheck(), TruePeakCheck(), SilenceCheck(), ClippingCheck(), ChannelsCheck(),
        AVDurationCheck(), ColourTagsCheck(), SpecConformanceCheck(), DecodeCheck(), VisionCheck(),
    ]

    /// Check ids in order.
    static var ids: [String] { all.map(\.info.id) }
}
