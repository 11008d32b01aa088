import ArgumentParser
import Foundation
import KijkoAgents
import KijkoCore
import KijkoPipeline
import KijkoServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the studio's web API and dashboard over a job store.",
        discussion: """
        People sign in with tokens from `kijko users add`. Jobs started or decided in the browser run in the \
        background here; jobs left running by a process that is gone are taken up. The CLI keeps working on the same store.
        """)

    @Option(help: "The address to listen on (loopback by default: only this machine).") var host = "127.0.0.1"
    @Option(help: "The port (0: any free one).") var port = 8080
    @Option(name: .customLong("media-root"), help: "A folder jobs started through the server may take footage from (repeatable).")
    var mediaRoots: [String] = []
    @Option(help: "Jobs run side by side at most.") var jobs = 2
    @Flag(help: "Queue jobs' steps for workers (`kijko worker`, a shared PostgreSQL store) instead of running them in this process.")
    var enqueue = false
    @OptionGroup var store: StoreOptions

    func run() async throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port: 0 to 65535") }
        guard (1...16).contains(jobs) else { throw ValidationError("--jobs: 1 to 16") }
        let service = try store.service(create: true)
        let server = try StudioServer(jobs: service, options: .init(host: host, port: port, mediaRoots: mediaRoots, concurrentJobs: jobs,
                                                                             enqueue: enqueue))
        if !StudioServer.isLoopback(host) {
            Output.warn("listening on \(host), not loopback: anyone who reaches this machine's port \(port) reaches the API, the dashboard "
                        + "and, with a token, every job's briefs and files — over plain HTTP (put TLS in front)")
        }
        let json = store.json, path = service.store.path
        try await server.run { url in
            // Written straight to the descriptor: a program that started the server reads the address at once.
            let line = json ? String(decoding: (try? JSONCoding.compact.encode(["url": url, "database": path])) ?? Data(), as: UTF8.self) + "\n"
                : "kijko serve: \(url)  (store \(path)); sign in with a token from `kijko users add NAME --role ROLE`\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
    }
}

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "People who use the server: add them (each gets a token), list them, add them to jobs.",
        subcommands: [Add.self, List.self, Grant.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a person; prints their token (shown once, stored hashed).")
        @Argument(help: "Their name.") var name: String
        @Option(help: "producer, creative_director, editor, director, client or admin.") var role: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard let role = PersonRole(rawValue: role) ?? PersonRole.named(role) else {
                throw ValidationError("--role: one of \(PersonRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let (person, token) = try store.service(create: true).store.addPerson(name: name, role: role)
            if store.json {
                try Output.json(["id": person.id, "name": person.name, "role": person.role.rawValue, "token": token])
            } else {
                print("\(person.name) (\(person.role.rawValue)): \(token)")
                print("  the token is shown only now; they sign in with it, or send it as Authorization: Bearer TOKEN")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Everyone, by name.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let people = try store.service().store.people()
            if store.json { try Output.json(people); return }
            if people.isEmpty { print("nobody yet: kijko users add NAME --role ROLE") }
            for person in people { print("\(person.name)  \(person.role.rawValue)  since \(person.createdAt.prefix(10))") }
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a person to a job (a client sees only the jobs they were added to).")
        @Argument(help: "Their name.") var name: String
        @Argument(help: "The job (its id or first characters).") var job: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let service = try store.service()
            let person = try service.store.person(named: name), id = try service.runner.resolve(job)
            try service.store.addMember(person.id, job: id)
            if store.json { try Output.json(["person": person.name, "job": id]) } else { print("\(person.name) added to job \(id.prefix(8))") }
        }
    }
}
