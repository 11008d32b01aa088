import ArgumentParser
import Foundation
import KijkoMedia
import KijkoQC

/// `kijko keyframes`: shots and a representative frame of each.
struct KeyframesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keyframes",
        abstract: "List the shots of a file with a keyframe of each (JPEGs and a contact sheet with --out).")

    @Argument(help: "The file.") var file: String
    @Option(help: "Folder for shot-NNN.jpg keyframes and contact-sheet.jpg.") var out: String?
    @OptionGroup var global: GlobalOptions
    var json: Bool { global.json }

    func run() throws {
        try reportingErrors {
            let total = max(1, try Probe.file(file).first(.video)?.frameCount ?? 1)
            let bar = global.progress("keyframes")
            let result = try KeyframeExtractor.run(file: file, folder: out) { bar.update($0, of: total) }
            bar.finish()
            if json { try Output.json(result); return }
            for shot in result.shots {
                print(String(format: "shot %3d  frames %6d–%-6d  %8.2f–%-8.2f s  keyframe %d%@", shot.number, shot.startFrame,
                             shot.endFrame, shot.start, shot.end, shot.keyframe, shot.keyframePath.map { "  \($0)" } ?? ""))
                if let t = shot.transitionIn {
                    print("          in through a \(t.kind.rawValue.replacingOccurrences(of: "_", with: " ")), frames \(t.startFrame)–\(t.endFrame)")
                }
            }
            if let sheet = result.contactSheet { print("contact sheet: \(sheet)") }
        }
    }
}
