import Foundation

/// The process that runs a job in place: its pid, and on a shared store the machine it runs on.
public struct RunHolder: Sendable, Equatable, CustomStringConvertible {
    public var pid: Int32
    /// The machine's name (a shared store's jobs run anywhere); nil on a store of this machine.
    public var host: String?

    public init(pid: Int32, host: String?) {
        self.pid = pid
        self.host = host
    }

    /// The holder a job's settings (JSON text) name, if any.
    init?(settings: String?) {
        guard let pid = PipelineStore.runner(settings) else { return nil }
        self.init(pid: pid, host: PipelineStore.setting("runner_host", in: settings))
    }

    /// "process 4121", or "process 4121 on render-07".
    public var description: String { "process \(pid)" + (host.map { " on \($0)" } ?? "") }

    /// This machine's name.
    public static let thisHost: String = {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0 else { return "localhost" }
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()
}
