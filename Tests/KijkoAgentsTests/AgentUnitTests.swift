import Foundation
@testable import KijkoAgents
import KijkoEditorial
import KijkoLLM
import KijkoMedia
import KijkoPipeline
import KijkoTestSupport
import Testing
import KijkoCore

/// Each agent's own rules: schemas, brief facts, budget arithmetic, legal citations, palettes,
/// storyboards from ComfyUI, and bad input.
@Suite struct AgentUnitTests {
    static func input(_ brief: String = AgentsFixture.brief, upstream: [any AgentDocument] = [], media: String? = nil) throws -> AgentInput {
        var given = AgentInput(brief: brief, media: media, workFolder: try AgentsFixture.scratch())
        for (i, document) in upstream.enumerated() {
            var fields: [String: JSONValue] = [:]
            if case .object(let f) = try document.json() { fields = f }
            fields["kind"] = .string(type(of: document).kind)
            given.upstream["step\(i)"] = JSONValue.object(fields).compactText
        }
        return given
    }

    @Test func everyExampleFitsItsSchemaAndViolationsAreNamed() throws {
        for type in ProductionAgents.documents {
            #expect(JSONSchema.problems(try type.example.json(), against: type.schema) == [], "\(type.kind)")
        }
        var shots = try ShotList.example.json()
        if case .object(var list) = shots, case .array(var items)? = list["shots"], case .object(var first) = items[0] {
            first["shot_type"] = "WIDE"
            first["colour"] = "red"
            first.removeValue(forKey: "duration")
            items[0] = .object(first)
            list["shots"] = .array(items)
            shots = .object(list)
        }
        let problems = JSONSchema.problems(shots, against: ShotList.schema)
        #expect(problems.contains("$.shots[0].duration: missing"))
        #expect(problems.contains("$.shots[0].colour: not in the schema"))
        #expect(problems.contains { $0.hasPrefix("$.shots[0].shot_type: \"WIDE\" is not one of") })
        // Optional fields may be null or left out.
        #expect(JSONSchema.problems(try ShotList(shots: [.init(shot: "1", duration: 2)]).json(), against: ShotList.schema) == [])
    }

    @Test func briefFactsAreReadFromTheText() {
        let facts = BriefFacts(AgentsFixture.brief)
        #expect(facts.brand == "Aurora" && facts.product == "Aurora City e-bike" && facts.audience == "urban commuters 25-40")
        #expect(facts.messages == ["Lighter than it looks", "Charge at any socket"])
        #expect(facts.durations == [10] && facts.budget == 60_000)
        #expect(facts.platforms == ["youtube", "instagram"] && facts.aspects == ["16:9", "9:16", "1:1", "4:5"])
        let tv = BriefFacts("TV spots :30 and :15 plus a 6s bumper for Acme soda, budget 1.2m")
        #expect(tv.durations == [30, 15, 6] && tv.platforms == ["tv"] && tv.budget == 1_200_000 && tv.aspects == ["16:9"])
    }

    @Test(arguments: [
        ("Budget: EUR 40,000", 40_000.0, "EUR"), ("a €1.2m launch", 1_200_000, "EUR"), ("budget of 40.000 euros", 40_000, "EUR"),
        ("£25k for the lot", 25_000, "GBP"), ("Budget: $40,000", 40_000, "USD"), ("40,000 CHF all in", 40_000, "CHF"),
        ("Budget (EUR): 30,000", 30_000, "EUR"), ("JPY 4,500,000", 4_500_000, "JPY"),
        ("Prices in pounds.\nBudget: USD 40,000", 40_000, "USD"), ("Budget: 40.000,00 €", 40_000, "EUR"), ("USD40k", 40_000, "USD"),
        ("Budget (2025): €40k", 40_000, "EUR"), ("Budget: 400 000 SEK", 400_000, "SEK"), ("budget: 40,000 EUR", 40_000, "EUR"),
    ])
    func theBriefsMoneyKeepsItsCurrency(text: String, amount: Double, currency: String) {
        let facts = BriefFacts("A spot for Acme. \(text).")
        #expect(facts.budget == amount && facts.currency == currency, "\(text): \(String(describing: facts.budget)) \(String(describing: facts.currency))")
    }

    @Test func aBudgetWithNoCurrencyHasNone() {
        let facts = BriefFacts("TV spots for Acme soda, budget 1.2m")
        #expect(facts.budget == 1_200_000 && facts.currency == nil)
        // A currency word away from any amount is no budget's currency.
        let files = BriefFacts("CAD files and a Euro 2024 tie-in for Acme.")
        #expect(files.budget == nil && files.currency == nil)
        #expect(MoneyText.writtenNumber("1,5") == 1.5 && MoneyText.writtenNumber("40.000") == 40_000 && MoneyText.writtenNumber("1,234.5") == 1_234.5)
    }

    @Test(arguments: [
        ("TikTok and Instagram: lighter, faster cuts", ["instagram", "tiktok"]),
        ("For YouTube/TV (16:9) and Reels.", ["tv", "youtube", "instagram"]),
        ("Post on TikTok, Instagram and X.", ["instagram", "tiktok", "x"]),
        ("A Gen X audience on YouTube, shot 1920 X 1080.", ["youtube"]),
        ("LinkedIn; Facebook!", ["facebook", "linkedin"]),
        ("Gen-X viewers on TikTok and Instagram", ["instagram", "tiktok"]), ("An X-ray reveal for Instagram.", ["instagram"]),
    ])
    func platformsAreFoundHoweverPunctuated(text: String, platforms: [String]) {
        #expect(Set(BriefFacts(text).platforms) == Set(platforms), "\(text): \(BriefFacts(text).platforms)")
    }

    @Test func aBudgetInEurosIsPricedInEuros() throws {
        let shots = ShotList(shots: (1...8).map { ShotList.Shot(shot: "\($0)A", duration: 2.5) })
        let given = try Self.input("A spot. Budget: EUR 30,000", upstream: [shots])
        let plan = try BudgetPlan.from(try BudgetSolverAgent(context: AgentsFixture.context()).run(given).output)
        let rates = try RateCard.load(path: AgentsFixture.root.appendingPathComponent("presets/rates.yaml").path)
        let euro = try #require(rates.exchange["EUR"])
        #expect(plan.currency == "EUR" && plan.budget == 30_000 && plan.reason.contains("converted from USD"))
        let ai = try #require(plan.methods.first { $0.method == "ai" }), aiRates = try #require(rates.methods.first { $0.name == "ai" })
        for (line, usd) in zip(ai.lines, aiRates.lines) { #expect(abs(line.rate - usd.rate * euro) < 0.01, "\(line.item)") }
        let vrd = try VideoRequirements.from(try VRDAgent(context: AgentsFixture.context()).run(try Self.input("A spot. Budget: EUR 30,000")).output)
        #expect(vrd.budgetRange.currency == "EUR" && vrd.budgetRange.high == 30_000)
        // A currency the table has no rate for stops the step there, saying what to add.
        let rupees = try Self.input("A spot. Budget: INR 2,000,000", upstream: [shots])
        #expect { try BudgetSolverAgent(context: AgentsFixture.context()).run(rupees) } throws: { error in
            "\(error)".contains("INR") && "\(error)".contains("exchange")
        }
    }

    @Test(arguments: [(9_000.0, "ai"), (30_000.0, "hybrid"), (500_000.0, "traditional"), (1_000.0, "ai")])
    func budgetTotalsAddUpExactlyFromTheRates(budget: Double, method: String) throws {
        let shots = ShotList(shots: (1...8).map { ShotList.Shot(shot: "\($0)A", duration: 2.5, vfx: $0 == 8) })
        let breakdown = Breakdown(scenes: [.init(scene: 1, heading: "EXT. STREET - DAY", cast: ["Rider", "Friend"], props: ["Bike"], wardrobe: [],
                                                 locations: ["Street", "Park"], vehicles: ["Bus"], vfx: [], dayNight: "day")])
        let given = try Self.input("A spot. Budget: $\(Int(budget))", upstream: [shots, breakdown])
        let plan = try BudgetPlan.from(try BudgetSolverAgent(context: AgentsFixture.context()).run(given).output)
        // Recomputed here from the rates table itself.
        let rates = try RateCard.load(path: AgentsFixture.root.appendingPathComponent("presets/rates.yaml").path)
        #expect(plan.quantities.shot == 8 && plan.quantities.vfxShot == 1 && plan.quantities.second == 20 && plan.quantities.cast == 2)
        #expect(plan.quantities.shootDay == 1 && plan.quantities.locationDay == 2 && plan.quantities.vehicle == 1)
        for method in rates.methods {
            let option = try #require(plan.methods.first { $0.method == method.name })
            let expected = method.lines.reduce(0.0) { $0 + $1.rate * plan.quantities[per: $1.per] }
            let summed: Double = option.lines.reduce(0) { $0 + $1.amount }
            #expect(option.total == expected, "\(method.name)")
            #expect(summed == option.total, "\(method.name)")
            #expect(option.withinBudget == (option.total <= budget))
        }
        #expect(plan.method == method, "\(budget): \(plan.methods.map { ($0.method, $0.total) })")
        if budget == 1_000 { #expect(plan.reason.contains("no method fits")) }
    }

    /// A draft whose scenes add up to a third of the VRD's target is scaled to it, and says so.
    @Test func aScriptIsScaledToItsTarget() throws {
        let draft = Script(title: "Spot", logline: "x", targetDuration: 30, main: .init(title: "Main", approach: "a", scenes: [
            .init(number: 1, heading: "EXT. ROAD - DAY", action: "A ride.", dialogue: "", supers: [], estimatedDuration: 4),
            .init(number: 2, heading: "EXT. HILL - DAY", action: "The top.", dialogue: "", supers: [], estimatedDuration: 6)]), alternatives: [])
        let agent = ScriptSmithAgent(context: AgentsFixture.context())
        let given = try Self.input()
        let finished = try agent.finish(draft, input: .init(requirements: nil, concept: nil, targetDuration: 30), facts: BriefFacts(given.brief), given: given)
        #expect(finished.document.main.scenes.map(\.estimatedDuration) == [12, 18])
        #expect(finished.notes.contains { $0.contains("added up to 10.0 s against a 30 s target; scaled to fit") }, "\(finished.notes)")
    }

    @Test func legalCitesRuleHitsByLineAndMissingDisclosures() throws {
        let script = Script(title: "Spot", logline: "x", targetDuration: 10,
                            main: .init(title: "Main", approach: "a", scenes: [
                                .init(number: 1, heading: "INT. KITCHEN - DAY", action: "The best coffee in the world, clinically proven to wake you.",
                                      dialogue: "", supers: ["Now only $4.99"], estimatedDuration: 10)]), alternatives: [])
        let folder = ArtefactFolder(try AgentsFixture.scratch())
        let scriptFile = try folder.write(script.lines.joined(separator: "\n"), as: "script.md", name: "script", type: "markdown")
        let captionsFile = try folder.write("POST tiktok: Wake up brighter #coffee\n\nPOST instagram: #ad Wake up brighter\n", as: "captions.md", name: "captions", type: "markdown")
        var given = try Self.input("Sponsored creator campaign for Brewly coffee.")
        given.upstream["script"] = JSONValue.object(["kind": "script", "artefacts": .array([["name": "script", "path": .string(scriptFile.path), "type": "markdown"]])]).compactText
        given.upstream["captions"] = JSONValue.object(["kind": "captions", "artefacts": .array([["name": "c", "path": .string(captionsFile.path), "type": "markdown"]])]).compactText
        let review = try LegalReview.from(try LegalAgent(context: AgentsFixture.context()).run(given).output)
        let actionLine = script.lines.firstIndex { $0.contains("best coffee") }! + 1
        let superLine = script.lines.firstIndex { $0.contains("SUPER") }! + 1
        #expect(review.findings.contains { $0.rule == "superlative" && $0.line == actionLine && $0.source == scriptFile.path })
        #expect(review.findings.contains { $0.rule == "health" && $0.severity == "error" && $0.line == actionLine })
        #expect(review.findings.contains { $0.rule == "price" && $0.line == superLine })
        // The TikTok post has no #ad on a sponsored brief; the Instagram one has.
        #expect(review.findings.filter { $0.rule == "ad-disclosure" }.map(\.line) == [1])
        #expect(review.verdict == "changes_required")
        // With nothing to read, nothing is cleared.
        let nothing = try LegalReview.from(try LegalAgent(context: AgentsFixture.context()).run(try Self.input("A spot.")).output)
        #expect(nothing.verdict == "not_checked" && nothing.checked.isEmpty && nothing.findings.isEmpty)
    }

    @Test func thePaletteIsMeasuredFromTheReferences() throws {
        // A reference image three-quarters red, a quarter blue.
        let folder = try AgentsFixture.scratch("palette")
        var still = StillComposer(width: 400, height: 200, background: "0xd02020")
        still.add(.box(x: 300, y: 0, width: 100, height: 200, colour: "0x2040d0", thickness: nil))
        try still.write(to: folder + "/reference.png")
        let board = try MoodBoard.from(try MoodMakerAgent(context: AgentsFixture.context()).run(try Self.input(media: folder)).output)
        #expect(board.source == "footage" && board.references == [folder + "/reference.png"])
        let red = LabColour(red: 0xd0, green: 0x20, blue: 0x20), blue = LabColour(red: 0x20, green: 0x40, blue: 0xd0)
        func distance(_ s: MoodBoard.Swatch, _ c: LabColour) -> Double { ((s.lab[0] - c.l) * (s.lab[0] - c.l) + (s.lab[1] - c.a) * (s.lab[1] - c.a) + (s.lab[2] - c.b) * (s.lab[2] - c.b)).squareRoot() }
        #expect(distance(board.palette[0], red) < 3 && abs(board.palette[0].share - 0.75) < 0.02, "\(board.palette)")
        #expect(distance(board.palette[1], blue) < 3 && abs(board.palette[1].share - 0.25) < 0.02, "\(board.palette)")
        #expect(board.styleNotes.first?.hasPrefix("Warm") == true)
    }

    @Test func storyboardFramesComeFromComfyUIWhenItIsThere() throws {
        // A ComfyUI that queues, is still busy on the first poll, then has the image.
        let folder = try AgentsFixture.scratch("comfy")
        var picture = StillComposer(width: 64, height: 36, background: "0x00ff00")
        picture.add(.box(x: 0, y: 0, width: 8, height: 8, colour: "white", thickness: nil))
        try picture.write(to: folder + "/frame.png")
        let png = try Data(contentsOf: URL(fileURLWithPath: folder + "/frame.png"))
        let polls = SharedList<Int>()
        let server = try LocalHTTPServer { request, _ in
            if request.path.hasPrefix("/prompt") { return .json(#"{"prompt_id":"p1","number":1}"#) }
            if request.path.hasPrefix("/history/p1") {
                polls.append(1)
                return polls.all.count % 2 == 1 ? .json("{}") : .json(#"{"p1":{"outputs":{"9":{"images":[{"filename":"kijko_00001_.png","subfolder":"","type":"output"}]}}}}"#)
            }
            if request.path.hasPrefix("/view?filename=kijko_00001_.png") { return .respond(status: 200, headers: ["Content-Type": "image/png"], body: png) }
            return .respond(status: 404, body: Data())
        }
        let shots = ShotList(title: "Spot", shots: [.init(shot: "1A", description: "Rider at dawn", duration: 2), .init(shot: "1B", description: "Close on the bike", duration: 2)])
        let agent = BoardBuilderAgent(context: AgentsFixture.context(), comfy: ComfyUIClient(baseURL: server.baseURL, timeout: 10, pollInterval: 0.01))
        let board = try Storyboard.from(try agent.run(try Self.input(upstream: [shots])).output)
        #expect(board.frames.map(\.source) == ["comfyui", "comfyui"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: board.frames[0].image)) == png)
        // The prompt carried the shot's description in the workflow graph.
        let queued = server.requests.filter { $0.path == "/prompt" }
        #expect(queued.count == 2 && queued[0].text.contains("Rider at dawn") && queued[0].text.contains("CheckpointLoaderSimple"))
        #expect(FileManager.default.fileExists(atPath: board.sheet))
        // ComfyUI down: each frame is drawn as a card instead, and the notes say so.
        server.stop()
        let fallback = try agent.run(try Self.input(upstream: [shots]))
        #expect(try Storyboard.from(fallback.output).frames.map(\.source) == ["card", "card"])
        #expect(fallback.output["notes"] != nil)
    }

    @Test func badInputIsAClearErrorNeverACrash() throws {
        let vrd = VRDAgent(context: AgentsFixture.context())
        #expect { _ = try vrd.run(try Self.input("  \n ")) } throws: { "\($0)".contains("the brief is empty") }
        #expect { _ = try vrd.run(try Self.input("PK\u{03}\u{04}\u{00}\u{00}\u{08}\u{00}\u{00}\u{01}\u{02}\u{05}\u{06}\u{07}")) } throws: { "\($0)".contains("not text") }
        #expect { _ = try ShotMasterAgent(context: AgentsFixture.context()).run(try Self.input()) } throws: { "\($0)".contains("no script") }
        // A shot list naming media that does not exist: the cut renders black there, and the edit notes say which.
        let shots = ShotList(title: "Spot", frameRate: "25", shots: [.init(shot: "1A", duration: 1, source: "GHOST_TAKE.mov"), .init(shot: "1B", duration: 1)])
        let media = try AgentsFixture.media()
        let given = try Self.input(upstream: [shots, FootageLog(method: "ai", mediaFolder: media, clips: [], takes: [], uncovered: [])], media: media)
        let cut = try RoughCut.from(try AssemblerAgent(context: AgentsFixture.context()).run(given).output)
        #expect(cut.frames == 50 && cut.editNoteLines.contains { $0.contains("1A") && $0.contains("GHOST_TAKE") }, "\(cut.editNoteLines)")
    }

    @Test func theCLIRefusesABinaryBriefAndNamesIt() throws {
        let folder = try AgentsFixture.scratch("cli")
        try Data([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).write(to: URL(fileURLWithPath: folder + "/brief.png"))
        let result = try Program.run(Program.kijko, ["run", "advertising", "--brief", folder + "/brief.png", "--db", folder + "/jobs.sqlite"])
        #expect(result.status != 0 && !result.signalled)
        #expect(result.stderr.contains("brief.png: the brief is not text"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/jobs.sqlite"))
    }
}
