public import KijkoPresets
import Foundation
public import KijkoMedia
import KijkoCore

/// Measures a written deliverable back (probe, loudness, size, SHA-256) and checks it against its
/// preset: resolution, frame rate, duration, loudness and true peak, file size.
public enum DeliverableCheck {
    public static func verify(_ entry: Manifest.Entry, preset: PlatformPreset, expectedLength: Double,
                              masterRate: Rational) -> Manifest.Entry {
        var entry = entry
        do {
            let info = try Probe.file(entry.path)
            let attributes = try? FileManager.default.attributesOfItem(atPath: entry.path)
            entry.size = (attributes?[.size] as? NSNumber)?.intValue
            entry.sha256 = try FileDigest.sha256(path: entry.path)
            let video = info.first(.video)
            var measured = Manifest.Measured(duration: info.duration, width: video?.width, height: video?.height,
                                             frameRate: preset.kind == .still ? nil : video?.frameRate,
                                             videoCodec: video?.codec, audioCodec: info.first(.audio)?.codec)
            var checks: [Manifest.Check] = []
            checks.append(Manifest.Check(name: "resolution", pass: video?.width == preset.width && video?.height == preset.height,
                                         detail: "\(video?.width ?? 0)x\(video?.height ?? 0), preset \(preset.width)x\(preset.height)"))
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
            if let maximum = preset.maxFileSize, let size = entry.size {
                checks.append(Manifest.Check(name: "file_size", pass: size <= maximum, detail: "\(size) bytes, limit \(maximum)"))
            }
            entry.measured = measured
            entry.checks = checks
            entry.pass = checks.allSatisfy(\.pass)
        } catch {
            entry.status = .failed
            entry.error = "written file cannot be read back: \(error)"
            entry.pass = false
        }
        return entry
    }
}
