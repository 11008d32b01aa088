import KijkoCore
import KijkoMedia
import KijkoPresets

/// The grade of each deliverable in a run: the run's LUT (`--lut`) for every one, else its
/// preset's own `lut:`. Each file is read once and has one grader, shared by the deliverables it
/// grades (so a frame is graded once per LUT, not once per deliverable). One thread at a time.
final class DeliverableGrades {
    /// The run's LUT file, when one is given for every deliverable.
    let runLUT: String?
    private var graders: [String: Result<ColourGrader, FileProblem>] = [:]

    /// Reads the run's LUT now: a LUT that cannot be used stops the run before any work.
    init(runLUT: String?) throws(FileProblem) {
        self.runLUT = runLUT
        if let runLUT, case .failure(let problem) = load(runLUT) { throw problem }
    }

    /// The LUT file `preset`'s deliverable is graded by, if any.
    func file(for preset: PlatformPreset) -> String? { runLUT ?? preset.lut }

    /// The grader of `preset`'s deliverable (nil: ungraded). - Throws: its LUT's problem.
    func grader(for preset: PlatformPreset) throws(FileProblem) -> ColourGrader? {
        guard let file = file(for: preset) else { return nil }
        return try load(file).get()
    }

    /// The grader of a LUT file (read when first asked for).
    func grader(file: String) throws(FileProblem) -> ColourGrader { try load(file).get() }

    private func load(_ file: String) -> Result<ColourGrader, FileProblem> {
        if let known = graders[file] { return known }
        let made: Result<ColourGrader, FileProblem>
        do {
            made = .success(try ColourGrader(lut: try CubeLUT.read(path: file)))
        } catch let problem as FileProblem {
            made = .failure(problem)
        } catch {
            made = .failure(FileProblem(file: file, line: nil, message: "\(error)"))
        }
        graders[file] = made
        return made
    }
}
