import Foundation
import Testing
import KijkoMedia
@testable import KijkoEditorial

/// Rough edges found trying Kijko as an editor: a card's long text fits its card, Kijko's own EDL
/// brings its cards back, and reels are legal CMX 3600 reels that stay distinct.
@Suite struct EditorialEdgesTests {
    static let long = Placeholder(title: "Shot 4B — VFX: the bike dissolves into light over the river at dawn",
                                  lines: ["Scene 3 · RT coverage: Pack shot of the Aurora frame on the studio turntable, three passes, "
                                          + "slow push-in, logo lock-up at the end, legal line under it", "2.50 s"])

    /// At 1920x1080 every line fits the card's width at its size, and the drawn text stays inside
    /// the border's margins (no bright pixel of text in the outer 4 % of the card).
    @Test func aLongCardWrapsInsideItsBorder() throws {
        let (lines, size) = PlaceholderCard.layout([Self.long.title] + Self.long.lines, width: 1920, height: 1080)
        #expect(lines.count > 3 && size >= 1080 / 40 && size <= 1080 / 16, "\(lines.count) lines at \(size) px")
        #expect(lines.allSatisfy { Double($0.count) * Double(size) * 0.62 <= 1920 * 0.84 + Double(size) }, "\(lines)")
        let card = try PlaceholderCard.frame(Self.long, width: 1920, height: 1080, pixelFormat: PixelFormat(name: "yuv420p")!, rate: Rational(25, 1))
        let luma = try #require(card.data(0)), stride = card.lineSize(0)
        var brightInMargin = 0, brightInside = 0
        for y in 20..<1060 {
            for x in 20..<1900 {
                guard luma[y * stride + x] > 200 else { continue }
                if x < 77 || x >= 1843 { brightInMargin += 1 } else { brightInside += 1 }
            }
        }
        #expect(brightInside > 1000 || !FileManager.default.fileExists(atPath: "/usr/share/fonts"), "the words are drawn: \(brightInside) bright pixels")
        #expect(brightInMargin == 0, "\(brightInMargin) pixels of text in the margins")
        // Far more text than a card holds: cut with an ellipsis, never past the card.
        let huge = Array(repeating: "words that go on and on", count: 200).joined(separator: " ")
        let (cut, smallest) = PlaceholderCard.layout([huge], width: 1920, height: 1080)
        #expect(Double(cut.count) * Double(smallest) * 1.25 <= 1080 * 0.84 + 1 && cut.last?.hasSuffix("…") == true, "\(cut.count) lines")
    }

    /// Kijko's EDL of a timeline with a card (`BL` and `* PLACEHOLDER:`) reads back as that card,
    /// not black; and long reels are written as distinct legal 8-character reels.
    @Test func kijkosOwnEDLKeepsCardsAndLegalReels() throws {
        let clips: [TrackItem] = [
            .clip(Clip(name: "3 take 2", reel: "shot_3_take2", source: FrameRange(start: 0, duration: 25))),
            .clip(Clip(name: "4B", source: FrameRange(start: 0, duration: 50), placeholder: Self.long)),
            .clip(Clip(name: "3 take 1", reel: "shot_3_take1", source: FrameRange(start: 25, duration: 25))),
            .clip(Clip(name: "5", reel: "A001", source: FrameRange(start: 0, duration: 25))),
            .clip(Clip(name: "3 take 2 again", reel: "shot_3_take2", source: FrameRange(start: 25, duration: 25))),
        ]
        let timeline = Timeline(name: "cut", rate: .pal25, startFrame: 90_000, tracks: [Track(name: "V1", kind: .video, items: clips)])
        let edl = EDL(timeline: timeline)
        let reels = edl.events.map(\.edit.reel)
        #expect(reels == ["shot_3_t", "BL", "shot_301", "A001", "shot_3_t"], "\(reels)")
        #expect(reels.allSatisfy { $0.count <= 8 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") } })
        let text = EDLWriter.write(edl)
        let (read, _) = try EDLReader(rate: .pal25).read(data: Data(text.utf8), file: "cut.edl")
        var warnings: [EDLDiagnostic] = []
        let again = try Timeline(read, file: "cut.edl", warnings: &warnings)
        guard case .clip(let card)? = again.tracks.first?.items.dropFirst().first else { Issue.record("no second clip"); return }
        #expect(card.placeholder == Self.long && card.isGenerator && !card.comments.contains { $0.hasPrefix("PLACEHOLDER") }, "\(card)")
        let names = again.tracks.first?.items.compactMap { item -> String? in if case .clip(let c) = item { c.name } else { nil } }
        #expect(names == ["3 take 2", "4B", "3 take 1", "5", "3 take 2 again"], "\(String(describing: names))")
    }
}
