import Foundation

/// One run at a time writing into a folder: an exclusive `flock` on `.kijko-lock` inside it,
/// held while the value lives (the system lets go when the process ends, however it ends; the
/// file is removed when the holder is done, so a finished folder holds only its outputs). A
/// second run into the same folder is refused instead of replacing the first's files under it,
/// and the holder may remove what killed runs left there: nobody else is writing it.
public final class FolderLock: @unchecked Sendable {
    public let folder: String
    private let descriptor: Int32

    /// Takes the folder (creating it and its parents); throws when another run holds it.
    /// `what` names the option in the message (`--out`).
    public init(_ folder: String, what: String = "--out") throws(FileError) {
        self.folder = folder
        try FileError.makeFolder(folder, what: what)
        let path = (folder as NSString).appendingPathComponent(".kijko-lock")
        self.path = path
        // The file is removed when the holder lets go; a run that opened it just before may then hold
        // a lock on a file no longer there, so the lock counts only if the path is still that file.
        for _ in 0..<5 {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw FileError(file: folder, reason: "cannot write into the \(what) folder (\(String(cString: strerror(errno))))") }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                throw FileError(file: folder, reason: "another kijko run is writing into this \(what) folder; wait for it, or choose another")
            }
            var held = stat(), named = stat()
            if fstat(fd, &held) == 0, stat(path, &named) == 0, held.st_ino == named.st_ino, held.st_dev == named.st_dev {
                descriptor = fd
                return
            }
            close(fd)
        }
        throw FileError(file: folder, reason: "cannot lock the \(what) folder (its lock file keeps changing)")
    }

    private let path: String

    deinit {
        // Removed while still held: whoever opens the name next makes a new lock.
        unlink(path)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
