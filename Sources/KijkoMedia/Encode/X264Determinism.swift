import Foundation

/// Keeps libx264 deterministic: the same frames and settings give the same bytes in any process.
///
/// x264's AVX-512 code (seen with Debian's libx264 164) reads memory it never wrote: the same
/// frames encode to different bytes as the heap's old contents differ — between `kijko versions`
/// and the same deliverable made inside a worker, or under `MALLOC_PERTURB_` (the `ffmpeg`
/// program does the same). Without AVX-512 x264 is deterministic, and here no slower: its
/// AVX-512 kernels are few. So every libx264 encoder gets `asm` = what x264 detects, less
/// AVX-512 — unless the settings choose `asm` themselves.
enum X264Determinism {
    /// x264's flag for AVX-512 (`X264_CPU_AVX512`, x86; the bit is unused on other CPUs).
    static let avx512: UInt32 = 1 << 16

    /// The `asm` value to give x264, or nil when there is nothing to take away (no AVX-512, or
    /// x264's detection is not reachable).
    static let cpuFlags: UInt32? = {
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "x264_cpu_detect") else { return nil }
        let detect = unsafeBitCast(symbol, to: (@convention(c) () -> UInt32).self)
        let flags = detect()
        return flags & avx512 != 0 ? flags & ~avx512 : nil
    }()

    /// `options` for a libx264 encoder with `asm` added to its `x264-params` (kept as given when
    /// they name `asm` already).
    static func options(_ options: [String: String], flags: UInt32? = cpuFlags) -> [String: String] {
        guard let flags else { return options }
        var adjusted = options
        let given = options["x264-params"] ?? ""
        // x264 reads `_` as `-` and takes `noasm` for `no-asm`; `x264opts` is the older spelling.
        let keys = ((options["x264opts"] ?? "") + ":" + given).split(separator: ":").map {
            ($0.split(separator: "=").first.map(String.init) ?? "").replacingOccurrences(of: "_", with: "-").lowercased()
        }
        guard !keys.contains(where: { ["asm", "no-asm", "noasm"].contains($0) }) else { return options }
        adjusted["x264-params"] = (given.isEmpty ? "" : given + ":") + "asm=\(flags)"
        return adjusted
    }
}
