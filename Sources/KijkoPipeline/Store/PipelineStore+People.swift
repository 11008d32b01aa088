import Foundation
import KijkoCore

/// People who use the server: their roles, their tokens (kept as SHA-256 digests only) and the
/// jobs they were added to.
extension PipelineStore {
    /// Someone with a token.
    public struct Person: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var role: PersonRole
        public var createdAt: String
    }

    /// Adds a person and returns them with their token (shown once; only its digest is stored).
    /// A name already taken is an error.
    public func addPerson(name: String, role: PersonRole) throws -> (person: Person, token: String) {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100, !name.contains(where: \.isNewline) else {
            throw PipelineError("a person's name: one line of 1 to 100 characters")
        }
        let token = Self.newToken()
        let person = Person(id: Self.newID(), name: name, role: role, createdAt: Self.now())
        try write { db in
            if try db.value(Bool.self, "SELECT 1 FROM users WHERE name = ?", [name]) == true {
                throw PipelineError("a person named \(name) exists already")
            }
            try db.execute("INSERT INTO users (id, name, role, token_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                           [person.id, name, role.rawValue, Self.tokenDigest(token), person.createdAt])
        }
        return (person, token)
    }

    /// Everyone, by name.
    public func people() throws -> [Person] {
        try read { db in try db.rows("SELECT * FROM users ORDER BY name").compactMap(Self.person) }
    }

    /// The person a token belongs to, if any.
    public func person(token: String) throws -> Person? {
        guard !token.isEmpty, token.utf8.count <= 200 else { return nil }
        return try read { db in
            try db.row("SELECT * FROM users WHERE token_hash = ?", [Self.tokenDigest(token)]).flatMap(Self.person)
        }
    }

    /// The person named `name` (or with that id).
    public func person(named name: String) throws -> Person {
        try read { db in
            guard let row = try db.row("SELECT * FROM users WHERE name = ? OR \(db.text("id")) = ?", [name, name]),
                  let person = Self.person(row) else { throw PipelineError("no person named \(name) (kijko users list)") }
            return person
        }
    }

    /// Adds `person` to `job` (a full id): they see it even as a client. Adding twice changes nothing.
    public func addMember(_ person: String, job: String) throws {
        try write { db in
            try db.execute("INSERT INTO job_members (production_job_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING", [job, person])
        }
    }

    /// Whether `person` was added to `job`.
    public func isMember(_ person: String, job: String) throws -> Bool {
        try read { db in
            try db.value(Bool.self, "SELECT 1 FROM job_members WHERE production_job_id = ? AND user_id = ?", [job, person]) ?? false
        }
    }

    /// The jobs `person` was added to.
    public func memberJobs(_ person: String) throws -> Set<String> {
        try read { db in Set(try db.values(String.self, "SELECT production_job_id FROM job_members WHERE user_id = ?", [person])) }
    }

    static func person(_ row: SQLRow) -> Person? {
        guard let role = PersonRole(rawValue: row["role"]) else { return nil }
        return Person(id: row["id"], name: row["name"], role: role, createdAt: row["created_at"])
    }

    /// 32 random bytes as `kjk_` and 64 hex digits.
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<4).map { _ in generator.next() as UInt64 }
        return "kjk_" + bytes.map { word in
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// What the store keeps of a token. (A token is 256 random bits: a fast digest is enough; a
    /// slow password hash guards guessable secrets, which these are not.)
    static func tokenDigest(_ token: String) -> String { FileDigest.sha256(data: Data(token.utf8)) }
}

/// What a person does in the studio; a gate is decided by its role (or an admin).
public enum PersonRole: String, Codable, Sendable, CaseIterable {
    case producer, creativeDirector = "creative_director", editor, director, client, admin

    /// Whether this role decides a gate whose template role is `gateRole` ("Creative Director").
    public func decides(gateRole: String) -> Bool {
        self == .admin || Self.named(gateRole) == self
    }

    /// A template's role name ("Creative Director") as a role, when it is one.
    public static func named(_ name: String) -> PersonRole? {
        PersonRole(rawValue: name.lowercased().split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "_" }).joined(separator: "_"))
    }

    /// Clients see only the jobs they were added to; everyone else sees every job.
    public var seesEveryJob: Bool { self != .client }
}
