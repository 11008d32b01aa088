import KijkoMedia
import KijkoPresets

/// One QC check: its id (in reports, the HTML legend and JUnit), the profile section that turns it
/// on, what it reads, and how it turns the audit's measurements into issues. Checks are listed in
/// ``QCChecks/all``; the report, the legend and the JUnit test cases come from that list, so none
/// can be left out. Adding a check is a file here, its entry in the list, and its profile keys.
///
/// Measuring stays fused for speed: one pass over each picture (``PictureMeter``) and one over the
/// sound (``SoundMeter``) gather every per-frame and per-window figure; a check reads what it
/// needs from ``QCEvidence``.
protocol QCCheck: Sendable {
    /// Its id, profile section, what it reads, its legend line and colour.
    var info: QCCheckInfo { get }
    /// Its findings over the whole audit.
    func findings(_ evidence: QCEvidence) -> [QCFinding]
    /// What to do about `finding`: the command or the change that fixes it.
    func fix(_ finding: QCFinding, _ evidence: QCEvidence) -> String
}

/// What the report, the legend and JUnit say of a check.
struct QCCheckInfo: Sendable {
    /// `black`, `loudness`… as issues name it.
    var id: String
    /// Where the profile turns it on (`video.black`, `audio.loudness`), or how it runs otherwise.
    var profileKey: String
    /// What it reads: per-frame picture statistics, per-window sound, or the whole file.
    var measures: QCMeasure
    /// One line for the legend: what it finds.
    var summary: String
    /// The colour its marks take on the report's timeline.
    var colour: String
}


/// What a check reads.
enum QCMeasure: String, Sendable {
    case picture = "per frame (picture)"
    case sound = "per window (sound)"
    case file = "whole file"
    case review = "vision review"
}

/// One thing a check found: frames `[run)`, the worst measurement and the limit it broke.
struct QCFinding: Sendable {
    var run: Range<Int>
    var measured: Double?
    var threshold: Double?
    var message: String
    var severity: QCReport.Severity = .error
}

/// Everything the audit measured, as the checks read it.
struct QCEvidence {
    let stats: [PictureStatistics]
    let sound: SoundMeter.Result?
    let profile: QCProfile
    let info: MediaInfo
    let spec: PlatformPreset?
    let clock: FrameClock
    let fps: Double
    /// Where decoding broke, if it did.
    let note: String?
    let damageAt: Int?
    /// Pictures the meter could not measure, and the first: never a silent pass.
    var unmeasured: (count: Int, first: Int)? = nil

    /// Every frame.
    var all: Range<Int> { 0..<stats.count }

    /// `seconds` as a whole number of frames, at least one.
    func frames(_ seconds: Double) -> Int { max(1, Int((seconds * fps).rounded())) }

    /// A range of sound samples as the frames of picture it spans.
    func frames(samples: Range<Int>, rate: Int) -> Range<Int> {
        clock.frame(at: Double(samples.lowerBound) / Double(rate))..<clock.frame(after: Double(samples.upperBound) / Double(rate))
    }

    /// A delivery preset to name in a fix: the `--spec` one, else `preset`.
    func preset(or preset: String) -> String { spec?.name ?? preset }

    /// Where `run` lies, for a fix: "the first N frames", "the last N frames", or "frames a–b".
    func place(_ run: Range<Int>) -> String {
        if run.lowerBound == 0 && run.upperBound >= stats.count { return "the whole picture" }
        if run.lowerBound == 0 { return "the first \(run.count) frames" }
        if run.upperBound >= stats.count { return "the last \(run.count) frames (from frame \(run.lowerBound))" }
        return String(format: "frames %d–%d (%.2f–%.2f s)", run.lowerBound, run.upperBound - 1, clock.time(run.lowerBound), clock.time(run.upperBound))
    }

    /// Windows of the sound meter as a minimum run length, from seconds.
    func windows(_ seconds: Double, _ sound: SoundMeter.Result) -> Int {
        max(1, Int((seconds * Double(sound.sampleRate) / Double(sound.window)).rounded()))
    }

    /// A run of sound windows as samples.
    func samples(_ run: Range<Int>, _ sound: SoundMeter.Result) -> Range<Int> {
        (run.lowerBound * sound.window)..<min(sound.samples, run.upperBound * sound.window)
    }
}

extension String {
    /// The text with its first letter upper case (a fix's sentence from a phrase).
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
