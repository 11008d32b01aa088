import Testing
@testable import KijkoMedia

/// libx264 is given `asm` without AVX-512 (whose code reads memory it never wrote), added to the
/// settings' own `x264-params`, never over an `asm` they chose.
@Suite struct X264DeterminismTests {
    @Test func asmIsAddedToTheParametersGiven() {
        let flags: UInt32 = 0b1011_1111
        #expect(X264Determinism.options(["crf": "18"], flags: flags) == ["crf": "18", "x264-params": "asm=191"])
        #expect(X264Determinism.options(["x264-params": "keyint=50:bframes=2"], flags: flags)["x264-params"] == "keyint=50:bframes=2:asm=191")
        for chosen in ["asm=0", "keyint=50:asm=auto", "no-asm=1", "noasm", "No_Asm=1"] {
            #expect(X264Determinism.options(["x264-params": chosen], flags: flags)["x264-params"] == chosen)
        }
        #expect(X264Determinism.options(["x264opts": "asm=0"], flags: flags) == ["x264opts": "asm=0"])
        // Nothing to take away: the options as given.
        #expect(X264Determinism.options(["preset": "fast"], flags: nil) == ["preset": "fast"])
    }

    @Test func theFlagsGivenNeverHoldAVX512() {
        // nil where the CPU has no AVX-512 (or x264 is not reachable): x264 detects as it would.
        if let flags = X264Determinism.cpuFlags { #expect(flags & X264Determinism.avx512 == 0 && flags != 0) }
    }
}
