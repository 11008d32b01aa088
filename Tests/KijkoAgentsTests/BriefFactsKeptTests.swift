import Foundation
@testable import KijkoAgents
import KijkoPipeline
import Testing

/// Facts from the brief are kept: dates, deliverables, mandatory elements, durations, platforms
/// and currency — read offline, and held in the VRD when a model's draft drops or changes them.
@Suite struct BriefFactsKeptTests {
    static let brief = """
        # Aurora spring launch
        Brand: Aurora
        Budget: EUR 40,000
        A 20-second spot for TikTok and Instagram: lighter, faster.
        Deliverables: 20s 9:16 TikTok; 20s 4:5 Instagram feed; 6s 9:16 bumper
        Mandatories: legal line "Terms apply"; logo on the end card
        - Shoot: 10 February 2027
        - Deadline: March 15, 2027
        Air date 2027-03-22.
        """

    @Test func datesAreReadInTheBriefsWords() {
        #expect(DateText.dates(in: "Shoot 10 Feb 2027, deadline March 15th, 2027, air 2027-03-22") == ["2027-02-10", "2027-03-15", "2027-03-22"])
        #expect(DateText.dates(in: "29 February 2028 but not 29 February 2027 nor 31 April 2027") == ["2028-02-29"])
        #expect(DateText.dates(in: "03/04/2027, in 2027, at 10:30") == [], "ambiguous or no dates")
        let facts = BriefFacts(Self.brief)
        #expect(facts.dates == [.init(label: "Shoot", date: "2027-02-10"), .init(label: "Deadline", date: "2027-03-15"),
                                .init(label: "Air date 2027-03-22.", date: "2027-03-22")], "\(facts.dates)")
    }

    @Test func deliverablesAndMandatoriesAreListed() {
        let facts = BriefFacts(Self.brief)
        #expect(facts.deliverables == ["20s 9:16 TikTok", "20s 4:5 Instagram feed", "6s 9:16 bumper"])
        #expect(facts.mandatories == ["legal line \"Terms apply\"", "logo on the end card"])
        #expect(facts.namesDuration && facts.durations == [20, 6] && facts.currency == "EUR" && facts.platforms == ["instagram", "tiktok"])
        // Under a heading, as a list; a legal line is one item, commas and all; these are not key messages.
        let listed = BriefFacts("""
            Launch film for Acme.
            ## Deliverables
            - 30s 16:9 TV
            - 15s cutdown
            Legal line: Offer ends 31 March, while stocks last.
            """)
        #expect(listed.deliverables == ["30s 16:9 TV", "15s cutdown"] && listed.mandatories == ["Offer ends 31 March, while stocks last."])
        #expect(!listed.messages.contains("30s 16:9 TV"), "\(listed.messages)")
        #expect(BriefFacts("A 30s spot for Acme.").namesDuration && !BriefFacts("A spot for Acme.").namesDuration)
    }

    @Test func theVRDKeepsThemOffline() throws {
        let folder = try AgentsFixture.scratch("facts")
        let vrd = try VideoRequirements.from(try VRDAgent(context: AgentsFixture.context()).run(AgentInput(brief: Self.brief, workFolder: folder)).output)
        Self.check(vrd)
    }

    /// A model's VRD that keeps none of them (the scripted server answers with the schema's
    /// example: USD, a 30 s YouTube deliverable, a January date, the logo only) is corrected in code.
    @Test func theVRDKeepsThemAgainstAModel() throws {
        let model = try ScriptedModel()
        let folder = try AgentsFixture.scratch("facts-model")
        let output = try VRDAgent(context: AgentsFixture.context(client: model.client())).run(AgentInput(brief: Self.brief, workFolder: folder)).output
        #expect(model.requests(of: "vrd") >= 1)
        let vrd = try VideoRequirements.from(output)
        Self.check(vrd)
        guard case .array(let items)? = output["notes"] else { Issue.record("no notes: \(output)"); return }
        let notes = items.compactMap(\.stringValue)
        #expect(notes.contains { $0.contains("“6s 9:16 bumper” was missing: added") } && notes.contains { $0.contains("2027-03-15 (Deadline)") }
                && notes.contains { $0.contains("target duration 30 s") }, "\(notes)")
    }

    static func check(_ vrd: VideoRequirements) {
        #expect(vrd.budgetRange.currency == "EUR")
        #expect(vrd.targetDuration == 20)
        let dates = Set(vrd.timeline.map(\.date))
        #expect(dates.isSuperset(of: ["2027-02-10", "2027-03-15", "2027-03-22"]), "\(vrd.timeline)")
        #expect(vrd.timeline.map(\.date) == vrd.timeline.map(\.date).sorted())
        #expect(vrd.brandGuidelines.contains { $0.contains("Terms apply") } && vrd.brandGuidelines.contains { $0.localizedCaseInsensitiveContains("logo on the end card") })
        let kinds = vrd.deliverables.map { "\(Int($0.duration)) \($0.aspect) \($0.platform)" }
        #expect(Set(kinds).isSuperset(of: ["20 9:16 tiktok", "20 4:5 instagram", "6 9:16 instagram"]), "\(kinds)")
    }
}
