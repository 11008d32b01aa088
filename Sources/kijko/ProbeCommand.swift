import ArgumentParser
import KijkoMedia

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "probe", abstract: "Container and stream properties of a media file.")
    @Argument(help: "The media file.") var file: String
    func run() throws {
        let info = try Probe.file(file)
        print(info)
    }
}
