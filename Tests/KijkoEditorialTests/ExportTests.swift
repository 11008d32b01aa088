import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import KijkoMedia
@testable import KijkoEditorial

/// Final Cut Pro 7 XML and FCPXML exports are well-formed and carry the timeline exactly.
@Suite struct ExportTests {
    static func edgeTimeline() throws -> Timeline {
        try EDLFixture.read("kijko_edge_cases.edl", rate: .ntsc30NDF).1
    }

    static func values(_ doc: XMLDocument, _ xpath: String) throws -> [String] {
        try doc.nodes(forXPath: xpath).compactMap(\.stringValue)
    }

    @Test func finalCutPro7XML() throws {
        let doc = try XMLDocument(xmlString: FCP7XMLWriter.write(try Self.edgeTimeline()), options: [])
        #expect(try Self.values(doc, "/xmeml/sequence/rate/timebase") == ["30"])
        #expect(try Self.values(doc, "/xmeml/sequence/rate/ntsc") == ["TRUE"])
        #expect(try Self.values(doc, "/xmeml/sequence/timecode/string") == ["01:00:00;00"])
        #expect(try Self.values(doc, "/xmeml/sequence/timecode/displayformat") == ["DF"])
        #expect(try Self.values(doc, "/xmeml/sequence/duration") == ["315"])
        let video = "/xmeml/sequence/media/video/track"
        #expect(try Self.values(doc, "\(video)/clipitem/name") == ["shot_a", "shot_b", "shot_c", "shot_d", "shot_e_slow", "shot_g_sync"])
        #expect(try Self.values(doc, "\(video)/clipitem/start") == ["0", "60", "120", "165", "225", "285"])
        #expect(try Self.values(doc, "\(video)/clipitem/end") == ["60", "120", "165", "225", "285", "315"])
        #expect(try Self.values(doc, "\(video)/transitionitem/start") == ["60", "120", "165"])
        #expect(try Self.values(doc, "\(video)/transitionitem/end") == ["75", "130", "185"])
        #expect(try Self.values(doc, "\(video)/transitionitem/effect/name") == ["Cross Dissolve", "Cross Dissolve", "Edge Wipe"])
        // 12 fps over 29.97: 40.04 %.
        #expect(try Self.values(doc, "\(video)/clipitem/filter/effect/parameter[parameterid='speed']/value") == ["40.0400"])
        #expect(try doc.nodes(forXPath: "/xmeml/sequence/media/audio/track").count == 2)
        #expect(try Self.values(doc, "/xmeml/sequence/media/audio/track[2]/clipitem/name") == ["shot_a_sound", "wild_track"])
        #expect(try Self.values(doc, "/xmeml/sequence/marker/in") == ["30"])
    }

    @Test func fcpxml() throws {
        let doc = try XMLDocument(xmlString: FCPXMLWriter.write(try Self.edgeTimeline()), options: [])
        #expect(try Self.values(doc, "/fcpxml/@version") == ["1.9"])
        #expect(try Self.values(doc, "/fcpxml/resources/format/@frameDuration") == ["1001/30000s"])
        let spine = "/fcpxml/library/event/project/sequence/spine"
        #expect(try Self.values(doc, "\(spine)/asset-clip/@name") == ["shot_a", "shot_b", "shot_c", "shot_d", "shot_e_slow", "shot_g_sync"])
        // Offsets are exact: record frame × 1001/30000 s from the 01:00:00;00 start.
        let offsets = try Self.values(doc, "\(spine)/asset-clip/@offset")
        #expect(offsets == [107_892, 107_952, 108_012, 108_057, 108_117, 108_177].map { "\($0 * 1001)/30000s" })
        #expect(try Self.values(doc, "\(spine)/transition/@duration") == ["15015/30000s", "10010/30000s", "20020/30000s"])
        #expect(try Self.values(doc, "/fcpxml/library/event/project/sequence/@tcFormat") == ["DF"])
        #expect(try doc.nodes(forXPath: "\(spine)/asset-clip/timeMap").count == 1)
        #expect(try doc.nodes(forXPath: "/fcpxml/resources/asset").count == 6)
    }

    @Test func specialCharactersAreEscaped() throws {
        var timeline = try Self.edgeTimeline()
        if case .clip(var clip) = timeline.tracks[0].items[0] {
            clip.name = "Tom & Jerry <take \"2\">"
            timeline.tracks[0].items[0] = .clip(clip)
        }
        for text in [FCP7XMLWriter.write(timeline), FCPXMLWriter.write(timeline)] {
            let doc = try XMLDocument(xmlString: text, options: [])
            #expect(text.contains("Tom &amp; Jerry &lt;take &quot;2&quot;&gt;"))
            #expect(doc.rootElement() != nil)
        }
    }
}
