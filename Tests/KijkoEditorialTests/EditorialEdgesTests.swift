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
        #expect(lines.joined(separator: " ").split(separator: " ") == ([Self.long.title] + Self.long.lines).joined(separator: " ").split(separator: " "),
                "every word kept, in order")
        // Drawn: no text pixel in the outer 4 % of the card (inside the border), for the long card,
        // for an all-capitals one (the widest glyphs), and for far more text than a card holds.
        let huge = Placeholder(title: Array(repeating: "WORDS THAT GO ON AND ON", count: 200).joined(separator: " "))
        let caps = Placeholder(title: Self.long.title.uppercased(), lines: Self.long.lines.map { $0.uppercased() })
        for card in [Self.long, caps, huge] {
            let frame = try PlaceholderCard.frame(card, width: 1920, height: 1080, pixelFormat: PixelFormat(name: "yuv420p")!, rate: Rational(25, 1))
            let luma = try #require(frame.data(0)), stride = frame.lineSize(0)
            var brightInMargin = 0, brightInside = 0
            for y in 20..<1060 {
                for x in 20..<1900 {
                    guard luma[y * stride + x] > 200 else { continue }
                    if x < 77 || x >= 1843 || y < 44 || y >= 1036 { brightInMargin += 1 } else { brightInside += 1 }
                }
            }
            #expect(brightInside > 1000 || !FileManager.default.fileExists(atPath: "/usr/share/fonts"), "the words are drawn: \(brightInside) bright pixels")
            #expect(brightInMargin == 0, "\(card.title.prefix(20)): \(brightInMargin) pixels of text in the margins")
        }
        let (cut, smallest) = PlaceholderCard.layout([huge.title], width: 1920, height: 1080)
        #expect(smallest == 1080 / 40 && cut.last?.hasSuffix(" …") == true, "\(cut.count) lines at \(smallest)")
        // A word longer than a line comes after the words before it, in pieces.
        let (pieces, _) = PlaceholderCard.layout(["see " + String(repeating: "x", count: 300) + " end"], width: 640, height: 360)
        #expect(pieces.first == "see" && pieces.last?.hasSuffix("end") == true && pieces.joined().filter { $0 == "x" }.count == 300, "\(pieces)")
    }

    /// A card's text holding the separator comes back exactly; a user's own comment that looks
    /// like a card on a black event stays a comment.
    @Test func cardsRoundTripExactlyAndOnlyKijkosAreCards() throws {
        let odd = Placeholder(title: "INT / EXT kitchen", lines: ["50% / 50 split", "2.0 s"])
        let edl = EDL(timeline: Timeline(name: "c", rate: .pal25, startFrame: 90_000, tracks: [Track(name: "V1", kind: .video, items: [
            .clip(Clip(name: "1", source: FrameRange(start: 0, duration: 25), placeholder: odd)),
            .clip(Clip(name: "2", reel: "BL", source: FrameRange(start: 0, duration: 25), comments: ["PLACEHOLDER: my own note / keep"])),
        ])]))
        let (read, _) = try EDLReader(rate: .pal25).read(data: Data(EDLWriter.write(edl).utf8), file: "c.edl")
        var warnings: [EDLDiagnostic] = []
        let clips = try Timeline(read, file: "c.edl", warnings: &warnings).tracks[0].items.compactMap { item -> Clip? in
            if case .clip(let c) = item { c } else { nil }
        }
        #expect(clips.count == 2 && clips[0].placeholder == odd, "\(clips.first?.placeholder as Any)")
        #expect(clips.count == 2 && clips[1].placeholder == nil && clips[1].comments.contains("PLACEHOLDER: my own note / keep"), "\(clips.last as Any)")
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
        #expect(card.placeholder == Self.long && card.isGenerator && !card.comments.contains { $0.contains("PLACEHOLDER") }, "\(card)")
        let names = again.tracks.first?.items.compactMap { item -> String? in if case .clip(let c) = item { c.name } else { nil } }
        #expect(names == ["3 take 2", "4B", "3 take 1", "5", "3 take 2 again"], "\(String(describing: names))")
    }
}
