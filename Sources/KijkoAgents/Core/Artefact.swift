public import Foundation
import KijkoMedia
import KijkoCore

/// A file an agent wrote into its step's folder (absolute path), listed in its output.
public struct Artefact: Codable, Sendable, Equatable {
    /// What a person calls it: "VRD", "rough cut", "9:16 version".
    public var name: String
    public var path: String
    /// json, markdown, csv, png, jpeg, video, html, edl, otio.
    public var type: String

    public init(name: String, path: String, type: String) {
        self.name = name
        self.path = path
        self.type = type
    }
}

/// Writes a step's files atomically into its folder (created on first write).
public struct ArtefactFolder: Sendable {
    /// Absolute.
    public let path: String

    public init(_ path: String) {
        self.path = URL(fileURLWithPath: path).standardizedFileURL.path
    }

    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Writes `data` as `file` (through a temporary name) and describes it.
    @discardableResult
    public func write(_ data: Data, as file: String, name: String, type: String) throws -> Artefact {
        try FileError.makeFolder(path, what: "artefacts")
        let target = self.file(file)
        try AtomicFile.write(data, to: target)
        return Artefact(name: name, path: target, type: type)
    }

    @discardableResult
    public func write(_ text: String, as file: String, name: String, type: String) throws -> Artefact {
        try write(Data(text.utf8), as: file, name: name, type: type)
    }

    /// Creates the folder (for engines that write files themselves).
    public func create() throws { try FileError.makeFolder(path, what: "artefacts") }
}
