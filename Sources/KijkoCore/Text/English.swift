/// Counts as people write them: "1 error", "3 errors", "1 version".
public enum English {
    /// `count` and the noun, plural (`plural`, else the noun and `s`) when it is not one.
    public static func count(_ count: Int, _ noun: String, plural: String? = nil) -> String {
        "\(count) \(count == 1 ? noun : plural ?? noun + "s")"
    }
}
