import KijkoMedia
import KijkoCore

/// QC results as JUnit XML, so a CI pipeline can gate on them: one test suite per file, one test
/// case per check of the profile, failed when the check found an error; a file that could not be
/// audited is a suite with one `open` case in error, so a gate reading only the XML sees it.
public enum JUnitReport {
    /// One test case per check in the registry, so none is left out.
    public static var checks: [String] { QCChecks.ids }

    public static func xml(_ reports: [QCReport], unaudited: [(file: String, reason: String)] = []) -> String {
        var suites: [String] = []
        var allTests = 0, allFailures = 0, allErrors = 0
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
                    let detail = errors.map { "frames \($0.startFrame)-\($0.endFrame): \($0.message)" + ($0.fix.map { "\n  fix: \($0)" } ?? "") }
                        .joined(separator: "\n")
                    line += ">\n      <failure type=\"\(check)\" message=\"\(escape(errors[0].message))\">\(escape(detail))</failure>\n    </testcase>"
                }
                cases.append(line)
            }
            allTests += checks.count
            allFailures += failures
            suites.append("  <testsuite name=\"\(escape(report.file))\" tests=\"\(checks.count)\" failures=\"\(failures)\">\n"
                          + cases.joined(separator: "\n") + "\n  </testsuite>")
        }
        for (file, reason) in unaudited {
            allTests += 1
            allErrors += 1
            suites.append("  <testsuite name=\"\(escape(file))\" tests=\"1\" failures=\"0\" errors=\"1\">\n"
                          + "    <testcase classname=\"kijko qc\" name=\"open\">\n      <error type=\"unreadable\" message=\"\(escape(reason))\"/>\n    </testcase>\n  </testsuite>")
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kijko qc\" tests=\"\(allTests)\" failures=\"\(allFailures)\" errors=\"\(allErrors)\">\n"
            + suites.joined(separator: "\n") + "\n</testsuites>\n"
    }

    static func escape(_ text: String) -> String { Markup.escape(text) }
}
