import Foundation
import RegistryFixtures
import Testing

/// Full, incremental, incremental: each point restores to exactly what the sources were then.
/// Serialized: `restore` locks the backup directory, and these share one.
@Suite("backup and restore round trip", .serialized)
struct RoundTripTests {
    /// Restores point `index` of the chain into a fresh directory and returns it.
    private func restore(_ scenario: ChainScenario, point index: Int, into scratch: TemporaryDirectory) async throws -> URL {
        let target = scratch.url.appendingPathComponent("restore-\(index + 1)")
        // The newest point is restored without --at, the others by id.
        let id = index == scenario.points.count - 1 ? nil : scenario.points[index].backup.id
        try await CLI.restore(from: scenario.destination, at: id, to: target)
        return target
    }

    /// Every path, type, size, mode, owner, mtime (ns), symlink target and content hash of both
    /// sources comes back at each of the three points, deletions applied.
    @Test("restoring each point of a full+incremental chain gives both trees exactly as they were")
    func eachPointRestoresExactTrees() async throws {
        let scenario = try await ChainScenario.shared()
        let scratch = try TemporaryDirectory(prefix: "roundtrip")
        defer { scratch.remove() }
        for (index, point) in scenario.points.enumerated() {
            let target = try await restore(scenario, point: index, into: scratch)
            #expect(Files.names(target) == ["projects", "registry"], "point \(index + 1): \(Files.names(target))")
            let registry = try TreeSnapshot.capture(target.appendingPathComponent("registry")).differences(from: point.registry)
            #expect(registry.isEmpty, "registry store at point \(index + 1) (\(point.backup.id)):\n\(registry.joined(separator: "\n"))")
            let projects = try TreeSnapshot.capture(target.appendingPathComponent("projects")).differences(from: point.projects)
            #expect(projects.isEmpty, "projects at point \(index + 1) (\(point.backup.id)):\n\(projects.joined(separator: "\n"))")
        }
    }

    /// The trees at the three points really differ (the chain is not trivially constant), and
    /// the second and third backups read less than the first.
    @Test("the chain's points differ from each other and the incrementals are smaller than the full backup")
    func pointsDifferAndIncrementalsAreSmall() async throws {
        let scenario = try await ChainScenario.shared()
        let points = scenario.points
        for i in 1..<points.count {
            #expect(!points[i].registry.differences(from: points[i - 1].registry).isEmpty, "registry unchanged before point \(i + 1)")
            #expect(!points[i].projects.differences(from: points[i - 1].projects).isEmpty, "projects unchanged before point \(i + 1)")
            #expect(points[i].backup.bytesRead < points[0].backup.bytesRead / 2, "point \(i + 1) read \(points[i].backup.bytesRead) bytes")
            #expect(points[i].backup.filesSkipped > 0)
        }
    }

    /// A real `docker-registry` started on the restored store serves every tag the store had at
    /// that point (`skopeo copy --all`), and no longer serves tags deleted before it.
    @Test("the registry store restored at each point serves every tag it had then")
    func restoredStoreServesEveryTag() async throws {
        let scenario = try await ChainScenario.shared()
        let scratch = try TemporaryDirectory(prefix: "served")
        defer { scratch.remove() }
        for (index, point) in scenario.points.enumerated() {
            let store = try await restore(scenario, point: index, into: scratch).appendingPathComponent("registry")
            let failures = try await RegistryTags.servingProblems(store, tags: point.tags, gone: point.gone)
            #expect(failures.isEmpty, "point \(index + 1) (\(point.backup.id)):\n\(failures.joined(separator: "\n"))")
        }
    }
}
