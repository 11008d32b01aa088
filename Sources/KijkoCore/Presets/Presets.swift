import Foundation

/// Where presets live (platforms, QC profiles, workflows, prompts, prices): the ones Kijko ships,
/// overridden by name by the user's own.
///
/// - shipped: `share/kijko/presets` beside the `bin/` holding the executable (an installed copy,
///   `scripts/setup --prefix DIR`), else the `presets/` folder of the checkout the executable was
///   built in, found upward from the executable's real path (symlinks resolved, so a link on `PATH`
///   works from any folder);
/// - the user's: `KIJKO_PRESETS`, else `$XDG_CONFIG_HOME/kijko/presets` (`~/.config/kijko/presets`).
///
///     let profile = Presets.path("qc/broadcast-ebu.yaml")   // the user's copy when there is one
public enum Presets {
    /// The folder of Kijko's own presets.
    public static var shipped: String { shippedRoot }

    /// The user's presets folder (it may not exist).
    public static var user: String {
        let environment = ProcessInfo.processInfo.environment
        if let folder = environment["KIJKO_PRESETS"], !folder.isEmpty { return folder }
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.config")
        return config + "/kijko/presets"
    }

    /// The roots in override order: shipped first, the user's last.
    public static var roots: [String] { [shipped, user] }

    /// `relative` in the user's folder when it exists there, else in the shipped one.
    public static func path(_ relative: String) -> String {
        let mine = (user as NSString).appendingPathComponent(relative)
        if !relative.isEmpty, FileManager.default.fileExists(atPath: mine) { return mine }
        return (shipped as NSString).appendingPathComponent(relative)
    }

    /// Every root's `relative` folder that exists, shipped first: later folders override earlier
    /// ones by preset name.
    public static func folders(_ relative: String) -> [String] {
        var out: [String] = []
        for root in roots {
            let folder = (root as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue, !out.contains(folder) {
                out.append(folder)
            }
        }
        return out.isEmpty ? [(shipped as NSString).appendingPathComponent(relative)] : out
    }

    /// The names of the `.yaml` files in `relative` across the roots, sorted.
    public static func names(in relative: String) -> [String] {
        Set(folders(relative).flatMap(yamlNames)).sorted()
    }

    /// The names of the `.yaml` files in one folder.
    private static func yamlNames(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }
    }

    /// `relative/NAME.yaml`, the user's before the shipped one, or nil when neither exists.
    public static func yaml(_ name: String, in relative: String) -> String? {
        for folder in folders(relative).reversed() {
            let path = (folder as NSString).appendingPathComponent("\(name).yaml")
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return nil
    }

    /// `relative/NAME.yaml` (in `only` alone when given), or an error listing the names there are.
    public static func locate(_ name: String, in relative: String, what: String, only folder: String? = nil) throws(PresetError) -> String {
        if let folder {
            let path = (folder as NSString).appendingPathComponent("\(name).yaml")
            if FileManager.default.fileExists(atPath: path) { return path }
            throw PresetError(file: folder, message: "no \(what) named \(name) (have: \(yamlNames(in: folder).sorted().joined(separator: ", ")))")
        }
        guard let path = yaml(name, in: relative) else {
            throw PresetError(file: folders(relative).joined(separator: ", "),
                              message: "no \(what) named \(name) (have: \(names(in: relative).joined(separator: ", ")))")
        }
        return path
    }

    private static let shippedRoot: String = {
        let manager = FileManager.default
        if let executable = executablePath() {
            let bin = URL(fileURLWithPath: executable).deletingLastPathComponent()
            let installed = bin.deletingLastPathComponent().appendingPathComponent("share/kijko/presets")
            if manager.fileExists(atPath: installed.appendingPathComponent("platforms").path) { return installed.path }
            var dir = bin
            for _ in 0..<6 {
                let candidate = dir.appendingPathComponent("presets")
                if manager.fileExists(atPath: candidate.appendingPathComponent("platforms").path) { return candidate.path }
                dir = dir.deletingLastPathComponent()
            }
        }
        return manager.currentDirectoryPath + "/presets"
    }()

    /// The running executable's real path: `/proc/self/exe` on Linux, else the bundle's.
    private static func executablePath() -> String? {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        #endif
        if let url = Bundle.main.executableURL { return url.resolvingSymlinksInPath().path }
        return CommandLine.arguments.first.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
    }
}
