import Foundation
import RegistryFixtures
import Testing

/// Running gc again after a completed gc.
@Suite("gc idempotence")
struct IdempotenceTests {
    @Test("a second run after a completed run deletes nothing and changes no file", arguments: CollectionMode.allCases)
    func secondRunDeletesNothing(mode: CollectionMode) async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let arguments = ["--min-age", "0"] + mode.flags + [copy.root.path]
        let (first, firstReport) = try await Regkeeper.gcReport(arguments)
        StoreChecks.expectStatus(first, 0)
        #expect(!firstReport.deletedBlobs.isEmpty)

        let between = try copy.snapshot()
        let (second, report) = try await Regkeeper.gcReport(arguments)
        StoreChecks.expectStatus(second, 0)
        #expect(report.deletedBlobs.isEmpty, "\(report.deletedBlobs)")
        #expect(report.deletedManifests.isEmpty, "\(report.deletedManifests)")
        #expect(report.reclaimedBytes == 0)
        StoreChecks.expectUnchanged(between, try copy.snapshot(), "a second \(mode) run")
    }
}
