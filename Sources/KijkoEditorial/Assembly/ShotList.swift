import Foundation

/// A shot list, as the shot-list agent (ShotMaster) writes it and `kijko assemble --shots` reads
/// it. JSON keys are snake_case; only `shots[].shot` and `shots[].duration` are required.
public struct ShotList: Codable, Sendable, Equatable {
    public var title: String?
    /// Timeline rate: `25`, `24`, `23.976`, `29.97`, `29.97df` … (default 25).
    public var frameRate: String?
    public var shots: [Shot]

    public init(title: String? = nil, frameRate: String? = nil, shots: [Shot]) {
        self.title = title
        self.frameRate = frameRate
        self.shots = shots
    }

    /// One planned shot.
    public struct Shot: Codable, Sendable, Equatable {
        /// Shot number as the script names it: `1`, `12A`.
        public var shot: String
        public var scene: String?
        public var description: String?
        /// WS, MS, CU, ECU, OTS, POV …
        public var shotType: String?
        public var cameraMovement: String?
        public var lighting: String?
        public var audio: String?
        public var propsTalent: [String]?
        public var setupMinutes: Double?
        /// Intended duration, seconds.
        public var duration: Double
        /// Source file name (or path) of the take, when known.
        public var source: String?
        public var reel: String?
        /// Slate in and out: timecode (`01:00:10:00`) or seconds into the file.
        public var `in`: String?
        public var out: String?
        /// A VFX shot: rendered as a placeholder card until the plate is delivered.
        public var vfx: Bool?
        /// The hero shot: the picture the others are graded to match.
        public var hero: Bool?

        public init(shot: String, scene: String? = nil, description: String? = nil, duration: Double,
                    source: String? = nil, reel: String? = nil, in: String? = nil, out: String? = nil, vfx: Bool? = nil) {
            self.shot = shot
            self.scene = scene
            self.description = description
            self.duration = duration
            self.source = source
            self.reel = reel
            self.in = `in`
            self.out = out
            self.vfx = vfx
        }

        enum CodingKeys: String, CodingKey {
            case shot, scene, description, shotType = "shot_type", cameraMovement = "camera_movement", lighting, audio
            case propsTalent = "props_talent", setupMinutes = "setup_minutes", duration, source, reel
            case `in`, out, vfx, hero
        }

        public init(from decoder: any Swift.Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            // Shot and scene numbers come as numbers or strings.
            func text(_ key: CodingKeys) throws -> String? {
                if let s = try? c.decodeIfPresent(String.self, forKey: key) { return s }
                if let n = try? c.decodeIfPresent(Int.self, forKey: key) { return String(n) }
                if let d = try c.decodeIfPresent(Double.self, forKey: key) { return String(d) }
                return nil
            }
            guard let shot = try text(.shot) else {
                throw DecodingError.keyNotFound(CodingKeys.shot, .init(codingPath: c.codingPath, debugDescription: "every shot needs a shot number"))
            }
            self.shot = shot
            scene = try text(.scene)
            description = try c.decodeIfPresent(String.self, forKey: .description)
            shotType = try c.decodeIfPresent(String.self, forKey: .shotType)
            cameraMovement = try c.decodeIfPresent(String.self, forKey: .cameraMovement)
            lighting = try c.decodeIfPresent(String.self, forKey: .lighting)
            audio = try c.decodeIfPresent(String.self, forKey: .audio)
            propsTalent = try c.decodeIfPresent([String].self, forKey: .propsTalent)
            setupMinutes = try c.decodeIfPresent(Double.self, forKey: .setupMinutes)
            duration = try c.decode(Double.self, forKey: .duration)
            source = try c.decodeIfPresent(String.self, forKey: .source)
            reel = try c.decodeIfPresent(String.self, forKey: .reel)
            self.in = try text(.in)
            out = try text(.out)
            vfx = try c.decodeIfPresent(Bool.self, forKey: .vfx)
            hero = try c.decodeIfPresent(Bool.self, forKey: .hero)
        }
    }

    enum CodingKeys: String, CodingKey {
        case title, frameRate = "frame_rate", shots
    }

    /// Reads a shot list file.
    ///
    /// - Throws: ``ShotListError`` naming the file and what is wrong (the JSON path for a bad field).
    public static func read(path: String) throws(ShotListError) -> ShotList {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ShotListError(file: path, message: "cannot read the file")
        }
        do {
            let list = try JSONDecoder().decode(ShotList.self, from: data)
            for (i, shot) in list.shots.enumerated() where !(shot.duration > 0 && shot.duration < 36_000) {
                throw ShotListError(file: path, message: "shots[\(i)] (shot \(shot.shot)): duration must be positive seconds, got \(shot.duration)")
            }
            guard !list.shots.isEmpty else { throw ShotListError(file: path, message: "no shots") }
            return list
        } catch let error as ShotListError {
            throw error
        } catch let DecodingError.keyNotFound(key, context) {
            throw ShotListError(file: path, message: "\(pathText(context.codingPath + [key])): missing")
        } catch let DecodingError.typeMismatch(type, context) {
            throw ShotListError(file: path, message: "\(pathText(context.codingPath)): expected \(type)")
        } catch let DecodingError.valueNotFound(_, context) {
            throw ShotListError(file: path, message: "\(pathText(context.codingPath)): missing value")
        } catch let DecodingError.dataCorrupted(context) {
            throw ShotListError(file: path, message: "not valid JSON (\(context.debugDescription))")
        } catch {
            throw ShotListError(file: path, message: "\(error)")
        }
    }

    static func pathText(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
}

/// A shot list that cannot be read.
public struct ShotListError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let message: String
    public var description: String { "\(file): \(message)" }
}
