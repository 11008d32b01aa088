import KijkoMedia

/// QC results as JUnit XML, so a CI pipeline can gate on them: one test suite per file, one test
/// case per check of the profile, failed when the check found an error.
public enum JUnitReport {
    public static let checks = ["black", "freeze", "flash", "luma_range", "chroma_range", "loudness", "true_peak", "silence",
                                "audio_clipping", "channels", "av_duration", "spec", "vision", "decode"]

    public static func xml(_ reports: [QCReport]) -> String {
        var suites: [String] = []
        var allTests = 0, allFailures = 0
        for report in reports {
            var cases: [String] = []
            var failures = 0
            for check in checks {
                let errors = report.issues.filter { $0.check == check && $0.severity == .error }
                var line = "    <testcase classname=\"\(escape(report.profile))\" name=\"\(check)\""
                if errors.isEmpty {
                    line += "/>"
                } else {
                    failures += 1
                    let detail = errors.map { "frames \($0.startFrame)-\($0.endFrame): \($0.message)" }.joined(separator: "\n")
                    line += ">\n      <failure type=\"\(check)\" message=\"\(escape(errors[0].message))\">\(escape(detail))</failure>\n    </testcase>"
                }
                cases.append(line)
            }
            allTests += checks.count
            allFailures += failures
            suites.append("  <testsuite name=\"\(escape(report.file))\" tests=\"\(checks.count)\" failures=\"\(failures)\">\n"
                          + cases.joined(separator: "\n") + "\n  </testsuite>")
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kijko qc\" tests=\"\(allTests)\" failures=\"\(allFailures)\">\n"
            + suites.joined(separator: "\n") + "\n</testsuites>\n"
    }

    static func escape(_ text: String) -> String { Markup.escape(text) }
}
