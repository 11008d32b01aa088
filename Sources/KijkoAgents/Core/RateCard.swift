import Foundation
import Yams

/// `presets/rates.yaml`: what each production method costs, as rates times quantities counted
/// from the shot list and the breakdown.
public struct RateCard: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var item: String
        /// job, shot, vfx_shot, second, shoot_day, cast, cast_day, location, location_day, prop, vehicle.
        public var per: String
        public var rate: Double
    }

    public struct Method: Sendable, Equatable {
        public var name: String
        /// 1–5.
        public var quality: Int
        public var notes: String
        public var risks: [String]
        public var lines: [Line]
    }

    public var currency: String
    /// ai, hybrid, traditional (in the file's order).
    public var methods: [Method]
    /// Units of another currency per unit of ``currency`` (`exchange: {EUR: 0.92}`), as the user
    /// sets them: a brief in that currency is priced at these rates converted.
    public var exchange: [String: Double] = [:]

    /// The table priced in `code`: itself when it is already, converted at its exchange rate when
    /// it has one for `code`, else nil.
    public func priced(in code: String) -> RateCard? {
        if code == currency { return self }
        guard let rate = exchange[code] else { return nil }
        var converted = self
        converted.currency = code
        converted.exchange = [:]
        for m in converted.methods.indices {
            for l in converted.methods[m].lines.indices {
                converted.methods[m].lines[l].rate = (converted.methods[m].lines[l].rate * rate * 100).rounded() / 100
            }
        }
        return converted
    }

    public static let units: Set<String> = ["job", "shot", "vfx_shot", "second", "shoot_day", "cast", "cast_day", "location", "location_day",
                                            "prop", "vehicle"]

    /// Reads and checks the table; errors name the file and the entry.
    public static func load(path: String) throws -> RateCard {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw AgentError("\(path): cannot read the rates table") }
        let root: Any?
        do { root = try Yams.load(yaml: text) } catch { throw AgentError("\(path): not valid YAML (\(error))") }
        guard let map = root as? [String: Any], let methods = map["methods"] as? [String: Any] else {
            throw AgentError("\(path): expected `methods:` with ai, hybrid and traditional")
        }
        var parsed: [Method] = []
        let order = text.components(separatedBy: "\n").compactMap { line -> String? in
            let t = line.trimmingCharacters(in: .whitespaces)
            return line.hasPrefix("  ") && !line.hasPrefix("    ") && t.hasSuffix(":") ? String(t.dropLast()) : nil
        }
        for name in order where methods[name] != nil {
            guard let m = methods[name] as? [String: Any], let lines = m["lines"] as? [[String: Any]] else {
                throw AgentError("\(path): methods.\(name): expected `lines:`")
            }
            var parsedLines: [Line] = []
            for (i, line) in lines.enumerated() {
                guard let item = line["item"] as? String, let per = line["per"] as? String, Self.units.contains(per) else {
                    throw AgentError("\(path): methods.\(name).lines[\(i)]: expected item, per (one of \(Self.units.sorted().joined(separator: ", "))) and rate")
                }
                guard let rate = (line["rate"] as? Double) ?? (line["rate"] as? Int).map(Double.init), rate >= 0 else {
                    throw AgentError("\(path): methods.\(name).lines[\(i)].rate: expected a number ≥ 0")
                }
                parsedLines.append(Line(item: item, per: per, rate: rate))
            }
            parsed.append(Method(name: name, quality: m["quality"] as? Int ?? 3, notes: m["notes"] as? String ?? "",
                                 risks: m["risks"] as? [String] ?? [], lines: parsedLines))
        }
        guard !parsed.isEmpty else { throw AgentError("\(path): no methods") }
        var card = RateCard(currency: (map["currency"] as? String ?? "USD").uppercased(), methods: parsed)
        if let exchange = map["exchange"] {
            guard let table = exchange as? [String: Any] else { throw AgentError("\(path): exchange: expected a map of currency codes to rates") }
            for (code, value) in table {
                guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isUppercase }),
                      let rate = (value as? Double) ?? (value as? Int).map(Double.init), rate > 0, rate.isFinite else {
                    throw AgentError("\(path): exchange.\(code): expected a three-letter currency code and a rate > 0")
                }
                card.exchange[code] = rate
            }
        }
        return card
    }
}
