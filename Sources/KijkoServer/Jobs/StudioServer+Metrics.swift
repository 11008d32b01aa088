import KijkoAgents
import KijkoPipeline

extension StudioServer {
    /// The producer's figures over the jobs `person` sees.
    func metricsView(_ person: PipelineStore.Person) throws -> ProductionMetrics {
        try jobs.metrics(among: person.role.seesEveryJob ? nil : try visibleJobs(person, state: nil).map(\.id))
    }
}
