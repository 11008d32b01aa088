import Foundation
import Synchronization
import KijkoMedia

/// Encodes one deliverable on its own thread. The decoding thread hands it references to the
/// master's decoded frames (no pixel copies) through a bounded queue; the worker filters
/// (reframe, rate, gain), encodes and muxes them. A failure stops only this deliverable.
final class DeliverableWorker: @unchecked Sendable {
    enum Item {
        /// A master frame and its number.
        case video(Frame, Int)
        case audio(Frame)
        case end
        /// Stop without finishing: the partial file is removed.
        case abandon
    }

    var plan: DeliverablePlan
    private let videoInput: FilterInputFormat
    private let audioInput: FilterInputFormat?
    private let sar: Rational
    private let masterRate: Rational
    private let condition = NSCondition()
    private var queue: [Item] = []
    private let capacity: Int
    private var finished = false
    /// Set when the deliverable failed; later frames are dropped.
    private(set) var failure: String?
    /// The cutdown it plays, for the manifest.
    var cutdown: Manifest.Cutdown?
    /// The LUT file its frames come graded by (the decoding thread grades them).
    var lut: String?
    /// Frames encoded so far (read from the decoding thread for progress).
    let framesWritten = Atomic<Int>(0)

    /// The smart reframe's windows (when the plan reframes smartly).
    private let cropTrack: CropPath.Track?

    init(plan: DeliverablePlan, video: FilterInputFormat, audio: FilterInputFormat?, sar: Rational,
         masterRate: Rational, cropTrack: CropPath.Track? = nil, capacity: Int = 6) {
        self.plan = plan
        self.cropTrack = cropTrack
        videoInput = video
        audioInput = audio
        self.sar = sar
        self.masterRate = masterRate
        self.capacity = capacity
    }

    /// Queues an item, waiting while the queue is full (unless the worker has failed).
    func submit(_ item: Item) {
        condition.lock()
        while queue.count >= capacity && failure == nil && !finished { condition.wait() }
        if failure == nil && !finished { queue.append(item) }
        condition.signal()
        condition.unlock()
    }

    private func take() -> Item {
        condition.lock()
        while queue.isEmpty { condition.wait() }
        let item = queue.removeFirst()
        condition.signal()
        condition.unlock()
        return item
    }

    private func fail(_ message: String) {
        condition.lock()
        failure = message
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for the worker to finish.
    private let done = DispatchSemaphore(value: 0)

    func start() {
        let thread = Thread { [self] in
            do {
                try run()
            } catch let error as MediaError {
                fail(error.description)
            } catch {
                fail("\(error)")
            }
            // Drain whatever is still queued so the producer is never blocked.
            condition.lock()
            finished = true
            queue.removeAll()
            condition.broadcast()
            condition.unlock()
            done.signal()
        }
        thread.name = "kijko.deliverable.\(plan.preset.name)"
        thread.stackSize = 1 << 22
        thread.start()
    }

    func wait() { done.wait() }

    private func run() throws {
        let muxer = try Muxer(path: plan.path)
        guard let videoSettings = plan.videoSettings, case let .video(_, _, pixelFormat, timeBase, _, frameRate) = videoInput else {
            throw MediaError(file: plan.path, stage: .configure, reason: "preset \(plan.preset.name) has no video settings")
        }
        // The smart reframe crops each frame (no copy) before the graph, which then sees the
        // window's size; a shot framed at another zoom gets a fresh graph.
        func graph(width: Int?, height: Int?) throws -> FilterGraph {
            var input = videoInput
            if let width, let height {
                input = .video(width: width, height: height, pixelFormat: pixelFormat, timeBase: timeBase,
                               sampleAspectRatio: Rational(1, 1), frameRate: frameRate)
            }
            return try FilterGraph("[in]\(plan.videoChain(sar: sar, masterRate: masterRate, cropped: width != nil))[out]",
                                   inputs: ["in": input])
        }
        let first = cropTrack?.window(at: 0)
        var videoGraph = try graph(width: first?.width, height: first?.height)
        guard let videoFormat = videoGraph.outputFormat() else {
            throw MediaError(file: plan.path, stage: .configure, reason: "the video chain gave no output")
        }
        var format = videoFormat
        if case let .video(w, h, pix, tb, sarOut, _) = videoFormat {
            format = .video(width: w, height: h, pixelFormat: pix, timeBase: tb, sampleAspectRatio: sarOut, frameRate: plan.outputRate)
        }
        let video = try Encoder(videoSettings, format: format, for: muxer)
        try muxer.addStream(for: video)
        var audioGraph: FilterGraph?
        var sound: AudioWriter?
        if let audioInput, let chain = plan.audioChain(), let settings = plan.audioSettings, let audio = plan.preset.audio {
            sound = try AudioWriter(settings, sampleRate: audio.sampleRate, channels: audio.channels, muxer: muxer)
            audioGraph = try FilterGraph("[in]\(chain)[out]", inputs: ["in": audioInput], outputs: ["out": .audio])
        }
        try muxer.start()
        let packet = try Packet(), filtered = try Frame()
        func drainVideo() throws {
            while try videoGraph.pull(into: filtered) == .frame {
                try video.send(filtered)
                while try video.receive(into: packet) { try muxer.write(packet, from: video) }
                framesWritten.add(1, ordering: .relaxed)
            }
        }
        func drainAudio() throws {
            guard let audioGraph, let sound else { return }
            while try audioGraph.pull(into: filtered) == .frame { try sound.write(filtered) }
        }
        var size = first.map { ($0.width, $0.height) }
        loop: while true {
            switch take() {
            case .video(let frame, let index):
                // Only the selected frames play, retimed to run on without gaps.
                guard let position = plan.selection.position(of: index) else { continue loop }
                frame.pts = rescale(Int64(position), from: plan.selection.rate.inverted, to: timeBase)
                if let cropTrack, let window = cropTrack.window(at: index) {
                    try frame.crop(x: window.x, y: window.y, width: window.width, height: window.height)
                    if size.map({ $0 != (window.width, window.height) }) ?? true {
                        try videoGraph.push(nil)
                        try drainVideo()
                        videoGraph = try graph(width: window.width, height: window.height)
                        size = (window.width, window.height)
                    }
                }
                try videoGraph.push(frame)
                try drainVideo()
            case .audio(let frame):
                try audioGraph?.push(frame)
                try drainAudio()
            case .end:
                break loop
            case .abandon:
                throw MediaError(file: plan.path, stage: .write, reason: "abandoned: the run stopped before this deliverable was complete")
            }
        }
        try videoGraph.push(nil)
        try drainVideo()
        try audioGraph?.push(nil)
        try drainAudio()
        try muxer.drain(video, packet: packet)
        try sound?.finish()
        try muxer.finish()
    }
}
