import ArgumentParser
import Foundation
import KijkoEditorial

/// `kijko grade …`: colour.
struct GradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grade",
        abstract: "Colour: match shots to a reference as ASC CDLs.",
        subcommands: [GradeMatchCommand.self])
}

/// `kijko grade match`: an ASC CDL per shot that brings it toward the reference.
struct GradeMatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Match shots to a reference: an ASC CDL per shot (DIR/NAME.cdl), ΔE00 before and after, before/after stills and a contact sheet.")

    @Option(help: "The shot the others are matched to (a video or a picture).") var reference: String
    @Argument(help: "The shots to match (videos or pictures).") var shots: [String]
    @Option(help: "Output folder.") var out = "grade"
    @Option(help: "Pictures measured per shot, spread evenly through it (1–240).") var frames = 12
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        guard (1...240).contains(frames) else { throw CommandFailure(message: "--frames: expected 1 to 240, got \(frames)", code: 64) }
        var asked = GradeMatchService.Request(reference: reference, shots: shots, outputFolder: out)
        asked.frames = frames
        let request = asked, global = global
        try await interruptible {
            let result = try await global.progress("grade match").around { try await GradeMatchService.run(request, progress: $0) }
            if global.json { try Output.json(result); return }
            for shot in result.shots {
                let values = shot.identity ? "identity (already matches)"
                    : String(format: "slope %.3f %.3f %.3f  offset %+.3f %+.3f %+.3f  power %.3f %.3f %.3f  sat %.3f",
                             shot.slope[0], shot.slope[1], shot.slope[2], shot.offset[0], shot.offset[1], shot.offset[2],
                             shot.power[0], shot.power[1], shot.power[2], shot.saturation)
                print(String(format: "%@  ΔE00 %5.2f → %5.2f  %@  %@", shot.id, shot.deltaEBefore, shot.deltaEAfter, values, shot.cdl))
            }
            print("contact sheet: \(result.contactSheet)")
        }
    }
}
