import Foundation
public import KijkoCore
public import KijkoMedia

/// Shot matching, the one way front ends match shots to a reference: each shot's colours measured
/// against the reference's (``ColourSample``, ``ColourDistribution``), an ASC CDL fitted to bring it
/// there (``GradeMatcher``) and written as `DIR/NAME.cdl`, with before and after stills of every shot
/// and one contact sheet, `DIR/contact.png`. Files are written atomically; one run at a time per folder.
public enum GradeMatchService {
    public struct Request: Sendable {
        /// The shot the others are matched to.
        public var reference: String
        public var shots: [String]
        public var outputFolder: String
        /// Pictures measured per shot, spread evenly through it.
        public var frames = 12
        /// A show look applied after each shot's correction in its "after" still (the match itself
        /// is measured without it).
        public var look: CubeLUT?
        /// A shot with nothing to match (every pixel clipped or near black), or one whose correction
        /// would be more than a balance (``beyondABalance(_:)``: it shows something else, not the
        /// same thing graded otherwise), is listed in ``Result/skipped`` with why, instead of
        /// failing the run or being written.
        public var skipUnmatchable = false

        public init(reference: String, shots: [String], outputFolder: String) {
            self.reference = reference
            self.shots = shots
            self.outputFolder = outputFolder
        }
    }

    public struct Result: Codable, Sendable {
        public struct Shot: Codable, Sendable {
            public var file: String
            /// The correction's id in its `.cdl` (the file's name without extension).
            public var id: String
            /// The `.cdl` written.
            public var cdl: String
            public var slope: [Double]
            public var offset: [Double]
            public var power: [Double]
            public var saturation: Double
            /// Mean CIEDE2000 between the shot's and the reference's colour spreads, before and after.
            public var deltaEBefore: Double
            public var deltaEAfter: Double
            /// The shot already matched (or no correction improved it): the CDL is the identity.
            public var identity: Bool
            public var beforeStill: String
            public var afterStill: String
        }

        public var reference: String
        public var referenceStill: String
        public var shots: [Shot]
        public var contactSheet: String
        /// Shots left out, each `FILE: why` (``Request/skipUnmatchable``).
        public var skipped: [String] = []
    }

    public static func run(_ request: Request, progress: ProgressHandler? = nil) async throws -> Result {
        try await BlockingWork.run("kijko.grade") { flag in try perform(request, progress: progress, cancel: flag) }
    }

    /// The same, blocking the calling thread (agents).
    public static func perform(_ request: Request, progress: ProgressHandler? = nil, cancel: CancellationFlag? = nil) throws -> Result {
        guard !request.shots.isEmpty else { throw ServiceError("name at least one shot to match to the reference", usage: true) }
        var ids: [String: String] = [:]
        for shot in request.shots {
            // (Told apart without case: on a case-insensitive disk A.cdl and a.cdl are one file.)
            let id = URL(fileURLWithPath: shot).deletingPathExtension().lastPathComponent
            if let other = ids[id.lowercased()] { throw ServiceError("\(shot) and \(other) would both write \(id).cdl: give shots different names", usage: true) }
            ids[id.lowercased()] = shot
        }
        for file in [request.reference] + request.shots where !FileManager.default.fileExists(atPath: file) {
            throw ServiceError("\(file): no such file")
        }
        try FileManager.default.createDirectory(atPath: request.outputFolder, withIntermediateDirectories: true)
        let lock = try FolderLock(request.outputFolder)
        defer { withExtendedLifetime(lock) {} }
        let stills = (request.outputFolder as NSString).appendingPathComponent("stills")
        try FileManager.default.createDirectory(atPath: stills, withIntermediateDirectories: true)
        do {
            progress?(ProgressEvent(.started, stage: "grade match", fraction: 0, message: "\(request.shots.count) shots to \(request.reference)"))
            let reference = try ColourSample.read(path: request.reference, frames: request.frames)
            // (An even subsample of at most 200,000 pixels: the spread, not every pixel, is what is matched.)
            guard let target = ColourDistribution(ColourDistribution.subsample(reference.pixels, atMost: 200_000)) else {
                throw ServiceError("\(request.reference): every pixel is clipped or near black: nothing to match to")
            }
            let referenceStill = (stills as NSString).appendingPathComponent("reference.png")
            try still(reference.still, grader: nil, to: referenceStill)
            var shots: [Result.Shot] = []
            var skipped: [String] = []
            for (i, file) in request.shots.enumerated() {
                try cancel.check()
                let id = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
                let sample = try ColourSample.read(path: file, frames: request.frames)
                guard let match = GradeMatcher.match(sample.pixels, to: target) else {
                    guard request.skipUnmatchable else { throw ServiceError("\(file): every pixel is clipped or near black: nothing to match") }
                    skipped.append("\(file): every pixel is clipped or near black: nothing to match")
                    continue
                }
                if request.skipUnmatchable, let why = beyondABalance(match.cdl) {
                    skipped.append(String(format: "%@: ΔE00 %.1f from the reference, and matching it would take %@: it shows something else, not the same scene graded otherwise", file, match.before, why))
                    continue
                }
                let cdlPath = (request.outputFolder as NSString).appendingPathComponent("\(id).cdl")
                let note = String(format: "Kijko grade match of %@ to %@: ΔE00 %.2f → %.2f", (file as NSString).lastPathComponent,
                                  (request.reference as NSString).lastPathComponent, match.before, match.after)
                try AtomicFile.write(Data(CDLFile.document(id: id, match.cdl, description: note).utf8), to: cdlPath)
                let before = (stills as NSString).appendingPathComponent("\(id)-before.png")
                let after = (stills as NSString).appendingPathComponent("\(id)-after.png")
                try still(sample.still, grader: nil, to: before)
                let grades = !match.cdl.isIdentity || request.look != nil
                try still(sample.still, grader: grades ? try ColourGrader(cdl: match.cdl.isIdentity ? nil : match.cdl, lut: request.look) : nil, to: after)
                shots.append(Result.Shot(file: file, id: id, cdl: cdlPath, slope: match.cdl.slope, offset: match.cdl.offset,
                                         power: match.cdl.power, saturation: match.cdl.saturation,
                                         deltaEBefore: (match.before * 100).rounded() / 100, deltaEAfter: (match.after * 100).rounded() / 100,
                                         identity: match.cdl.isIdentity, beforeStill: before, afterStill: after))
                progress?(ProgressEvent(.progress, stage: "grade match", fraction: Double(i + 1) / Double(request.shots.count),
                                        message: String(format: "%@: ΔE00 %.2f → %.2f", id, match.before, match.after)))
            }
            let sheet = (request.outputFolder as NSString).appendingPathComponent("contact.png")
            try contactSheet(reference: (request.reference, referenceStill), shots: shots, look: request.look != nil, to: sheet)
            progress?(ProgressEvent(.finished, stage: "grade match", fraction: 1))
            return Result(reference: request.reference, referenceStill: referenceStill, shots: shots, contactSheet: sheet, skipped: skipped)
        } catch let error as MediaError {
            throw ServiceError(error.description)
        }
    }

    /// What makes `cdl` more than a balance between two takes of one scene, or nil: a slope beyond two
    /// stops either way (0.25–4), an offset beyond ±0.2, a saturation beyond 0.5–2. (A tungsten take
    /// 0.6 stop under is matched with slopes up to 2.4; a grey card matched to colour bars needs 0.1.)
    public static func beyondABalance(_ cdl: CDL) -> String? {
        if let s = cdl.slope.first(where: { $0 < 0.25 || $0 > 4 }) { return String(format: "a slope of %.2f", s) }
        if let o = cdl.offset.first(where: { abs($0) > 0.2 }) { return String(format: "an offset of %.2f", o) }
        if cdl.saturation < 0.5 || cdl.saturation > 2 { return String(format: "a saturation of %.2f", cdl.saturation) }
        return nil
    }

    /// Pictures this wide on the stills and the contact sheet.
    static let stillWidth = 480

    /// `frame` graded by `grader` (when given), as an R′G′B′ PNG `stillWidth` wide.
    static func still(_ frame: Frame, grader: ColourGrader?, to path: String) throws {
        let picture = try grader?.grade(frame) ?? frame
        let (matrix, range) = ColourGrader.matrixAndRange(of: picture)
        let width = min(stillWidth, picture.width - picture.width % 2)
        let graph = try FilterGraph("[in]scale=\(width):-2:flags=bicubic:in_color_matrix=\(matrix):in_range=\(range),setsar=1,format=rgb24[out]",
                                    inputs: ["in": .video(width: picture.width, height: picture.height, pixelFormat: picture.pixelFormat,
                                                          timeBase: Rational(1, 1), sampleAspectRatio: Rational(1, 1))])
        try graph.push(try picture.reference())
        let rgb = try Frame()
        guard try graph.pull(into: rgb) == .frame, let format = graph.outputFormat() else {
            throw MediaError(file: path, stage: .filter, reason: "no still")
        }
        try ImageFile.write(rgb, format: format, settings: EncoderSettings(codec: "png"), to: path)
    }

    /// One row per shot: the reference, the shot before, the shot after, with names and ΔE00.
    static func contactSheet(reference: (file: String, still: String), shots: [Result.Shot], look: Bool, to path: String) throws {
        let cell = stillWidth, gap = 16, label = 30, top = 56
        let rowHeight = cell * 9 / 16 + label + gap
        var sheet = StillComposer(width: gap + 3 * (cell + gap), height: top + rowHeight * shots.count)
        sheet.add(.text("Grade match to \((reference.file as NSString).lastPathComponent) — reference · before · after\(look ? " with the show look" : "") (ΔE00 of the colour spreads)",
                        x: gap, y: 18, size: 20, colour: "white"))
        for (row, shot) in shots.enumerated() {
            let y = top + row * rowHeight
            let name = (shot.file as NSString).lastPathComponent
            let columns = [(reference.still, "reference"), (shot.beforeStill, String(format: "%@ before: ΔE00 %.2f", name, shot.deltaEBefore)),
                           (shot.afterStill, shot.identity ? "\(name): already matches (identity)" : String(format: "after: ΔE00 %.2f", shot.deltaEAfter))]
            for (column, (file, text)) in columns.enumerated() {
                let x = gap + column * (cell + gap)
                sheet.add(.picture(path: file, seconds: 0, x: x, y: y, width: cell, height: cell * 9 / 16))
                sheet.add(.text(text, x: x, y: y + cell * 9 / 16 + 6, size: 18, colour: "0xd0d4da"))
            }
        }
        try sheet.write(to: path)
    }
}
