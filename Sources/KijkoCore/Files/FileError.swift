import Foundation

/// A file Kijko could not read or write: which file, and the system's reason.
public struct FileError: Error, CustomStringConvertible, Sendable, Equatable {
    public let file: String
    public let reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    /// An error Foundation threw about `file` (or the path the error names), in words.
    public init(file: String? = nil, _ error: any Error) {
        let ns = error as NSError
        self.file = file ?? (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path ?? "file"
        reason = Self.reason(error)
    }

    public var description: String { "\(file): \(reason)" }

    /// Creates `folder` and its parents; when it cannot, one line naming what is in the way (a
    /// file where a folder of its path should be, a parent that cannot be written, a full disk).
    /// `what` names the option in the message (`--out`).
    public static func makeFolder(_ folder: String, what: String = "--out") throws(FileError) {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw FileError(file: folder, reason: "cannot create the \(what) folder (\(blocker(of: folder) ?? reason(error)))")
        }
    }

    /// Whether `error` is Foundation's or the system's about a file (and so reads well as a
    /// ``FileError``).
    public static func isFileSystem(_ error: any Error) -> Bool {
        let domain = (error as NSError).domain
        return domain == NSCocoaErrorDomain || domain == NSPOSIXErrorDomain
    }

    /// What stands in the way of making `folder`: a file where a folder of its path should be,
    /// or a parent that cannot be written.
    static func blocker(of folder: String) -> String? {
        var path = URL(fileURLWithPath: folder).standardizedFileURL.path
        while path != "/" && !path.isEmpty {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
                if !isFolder.boolValue { return "\(path) is a file, not a folder" }
                return access(path, W_OK) == 0 ? nil : "permission denied in \(path)"
            }
            path = (path as NSString).deletingLastPathComponent
        }
        return nil
    }

    /// A system error in words (not Foundation's domain and code).
    static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(truncatingIfNeeded: underlying.code))).lowercased()
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(truncatingIfNeeded: ns.code))).lowercased() }
        switch ns.code {
        case NSFileWriteFileExistsError: return "a file is in the way"
        case NSFileWriteNoPermissionError, NSFileReadNoPermissionError: return "permission denied"
        case NSFileWriteOutOfSpaceError: return "no space left on the disk"
        case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return "no such file or folder"
        case NSFileWriteVolumeReadOnlyError: return "the disk is read-only"
        default: return ns.localizedDescription
        }
    }
}
