public import KijkoPresets
import Foundation
public import KijkoMedia
import KijkoCore

/// Measures a written deliverable back (probe, loudness, size, SHA-256) and checks it against its
/// preset: resolution, colour tags, frame rate, duration, loudness and true peak, file size.
public enum DeliverableCheck {
    public static func verify(_ entry: Manifest.Entry, preset: PlatformPreset, expectedLength: Double,
                              masterRate: Rational) -> Manifest.Entry {
        var entry = entry
        if preset.kind == .display { return verifyDisplay(entry, preset: preset, expectedLength: expectedLength) }
        do {
            let info = try Probe.file(entry.path)
            try fingerprint(&entry)
            let video = info.first(.video)
            var measured = Manifest.Measured(duration: info.duration, width: video?.width, height: video?.height,
                                             frameRate: preset.kind == .still ? nil : video?.frameRate,
                                             videoCodec: video?.codec, audioCodec: info.first(.audio)?.codec)
            var checks = [resolution(measured, preset)]
            if preset.kind == .video, let video {
                // The colour tags the file says of itself, against the preset's (what a player goes by).
                let wanted = [preset.colour.primariesName, preset.colour.transferName, preset.colour.matrixName, preset.colour.rangeName]
                let have = [video.colorPrimaries, video.colorTransfer, video.colorMatrix, video.colorRange]
                checks.append(Manifest.Check(name: "colour", pass: preset.colourDepartures(video).isEmpty,
                                             detail: "\(have.map { $0 ?? "untagged" }.joined(separator: "/")), preset \(wanted.map { $0 ?? "any" }.joined(separator: "/"))"))
            }
            if preset.kind == .video {
                let rate = DeliverablePlan.rate(for: preset, master: masterRate)
                checks.append(Manifest.Check(name: "frame_rate", pass: video?.frameRate == rate,
                                             detail: "\(video?.frameRate?.description ?? "?"), expected \(rate)"))
                let frame = rate.inverted.doubleValue
                let length = video?.duration ?? info.duration ?? 0
                checks.append(Manifest.Check(name: "duration", pass: abs(length - expectedLength) <= frame + 1e-6,
                                             detail: String(format: "%.3f s, expected %.3f s (±1 frame)", length, expectedLength)))
                if let low = preset.minDuration, let high = preset.maxDuration {
                    checks.append(Manifest.Check(name: "duration_limits", pass: length >= low - frame && length <= high + frame,
                                                 detail: String(format: "%.2f s within %.0f–%.0f s", length, low, high)))
                }
                if let target = preset.loudness, info.first(.audio) != nil, let loud = try LoudnessMeter.measure(path: entry.path) {
                    measured.integratedLoudness = (loud.integrated * 10).rounded() / 10
                    measured.truePeak = (loud.truePeak * 10).rounded() / 10
                    checks.append(Manifest.Check(name: "loudness", pass: abs(loud.integrated - target) <= 0.5,
                                                 detail: String(format: "%.1f LUFS, target %.1f ±0.5", loud.integrated, target)))
                    let ceiling = preset.truePeak ?? -1
                    checks.append(Manifest.Check(name: "true_peak", pass: loud.truePeak <= ceiling + 0.05,
                                                 detail: String(format: "%.1f dBTP, ceiling %.1f", loud.truePeak, ceiling)))
                }
            }
            settle(&entry, measured: measured, checks: checks, preset: preset, limit: "limit")
        } catch {
            failedReadBack(&entry, error)
        }
        return entry
    }

    /// The resolution check: the measured picture against the preset's.
    static func resolution(_ measured: Manifest.Measured, _ preset: PlatformPreset) -> Manifest.Check {
        Manifest.Check(name: "resolution", pass: measured.width == preset.width && measured.height == preset.height,
                       detail: "\(measured.width ?? 0)x\(measured.height ?? 0), preset \(preset.width)x\(preset.height)")
    }

    /// Records the measurements and checks, with the file-size check last (`limit`: how the
    /// preset's maximum is named), and whether all passed.
    static func settle(_ entry: inout Manifest.Entry, measured: Manifest.Measured, checks: [Manifest.Check], preset: PlatformPreset, limit: String) {
        var checks = checks
        if let maximum = preset.maxFileSize, let size = entry.size {
            checks.append(Manifest.Check(name: "file_size", pass: size <= maximum, detail: "\(size) bytes, \(limit) \(maximum)"))
        }
        entry.measured = measured
        entry.checks = checks
        entry.pass = checks.allSatisfy(\.pass)
    }

    /// A written file that cannot be read back fails.
    static func failedReadBack(_ entry: inout Manifest.Entry, _ error: Error) {
        entry.status = .failed
        entry.error = "written file cannot be read back: \(error)"
        entry.pass = false
    }

    /// The written file's size and SHA-256 into `entry`.
    static func fingerprint(_ entry: inout Manifest.Entry) throws {
        let attributes = try? FileManager.default.attributesOfItem(atPath: entry.path)
        entry.size = (attributes?[.size] as? NSNumber)?.intValue
        entry.sha256 = try FileDigest.sha256(path: entry.path)
    }

    /// A display ad: size, byte budget, loop length and plays read back from the file itself (a
    /// GIF's or WebP's blocks; an MP4 probed), the animation within the preset's limit.
    static func verifyDisplay(_ entry: Manifest.Entry, preset: PlatformPreset, expectedLength: Double) -> Manifest.Entry {
        var entry = entry
        do {
            try fingerprint(&entry)
            var measured: Manifest.Measured
            var plays: Int?? = .none
            if preset.container == "mp4" {
                let info = try Probe.file(entry.path)
                let video = info.first(.video)
                measured = Manifest.Measured(duration: video?.duration ?? info.duration, width: video?.width, height: video?.height,
                                             frameRate: video?.frameRate, videoCodec: video?.codec, audioCodec: info.first(.audio)?.codec)
            } else {
                let animation = try AnimationInfo.read(path: entry.path)
                measured = Manifest.Measured(duration: animation.duration, width: animation.width, height: animation.height,
                                             videoCodec: animation.format.rawValue)
                plays = .some(animation.plays)
            }
            let length = measured.duration ?? 0
            var checks = [resolution(measured, preset)]
            // The loop as encoded: its frames at the rate that fitted, to one of its frames (GIF
            // delays are whole hundredths, WebP's thousandths).
            let expected = entry.display?.loopSeconds ?? expectedLength
            let tolerance = 1 / (entry.display?.frameRate ?? 15) + 0.02
            checks.append(Manifest.Check(name: "duration", pass: abs(length - expected) <= tolerance,
                                         detail: String(format: "%.2f s loop, expected %.2f s (±%.2f)", length, expected, tolerance)))
            checks.append(Manifest.Check(name: "silent", pass: measured.audioCodec == nil,
                                         detail: measured.audioCodec.map { "has sound (\($0)): a display ad starts silent" } ?? "no sound"))
            if case .some(let read) = plays {
                let wanted = entry.display?.plays ?? DisplayAdMaker.plays(preset, loop: length)
                checks.append(Manifest.Check(name: "plays", pass: read != nil && read == wanted,
                                             detail: "plays \(read.map(String.init) ?? "forever"), expected \(wanted)"))
                if let limit = preset.maxDuration {
                    let total = Double(read ?? Int.max / 2) * length
                    checks.append(Manifest.Check(name: "animation_length", pass: total <= limit + tolerance,
                                                 detail: read == nil ? "loops forever, limit \(limit) s" : String(format: "%.2f s animated, limit %g s", total, limit)))
                }
            }
            settle(&entry, measured: measured, checks: checks, preset: preset, limit: "budget")
        } catch {
            failedReadBack(&entry, error)
        }
        return entry
    }
}
