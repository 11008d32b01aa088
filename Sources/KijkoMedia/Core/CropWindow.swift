/// A crop window at one frame: `width`x`height` pixels at (`x`, `y`) of a picture. Used for the
/// smart reframe's keyframes and for crops carried on timeline clips.
public struct CropWindow: Codable, Sendable, Equatable {
    /// The frame it applies at (master frame, or frames from a clip's start).
    public var frame: Int
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(frame: Int, x: Int, y: Int, width: Int, height: Int) {
        self.frame = frame
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}
