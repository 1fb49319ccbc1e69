import Foundation
import RegistryFixtures
import Testing

/// `regkeeper du --json` on the scenario store, against a model computed from what was pushed.
@Suite("du")
struct UsageTests {
    typealias Repo = RetentionScenario.Repo

    /// Per repository, what the model says: every blob of its linked manifests (`all`), and
    /// what its tags reach (everything except `prod/app`'s retagged-away image).
    struct Model {
        let all: [String: Set<String>]
        let tagged: [String: Set<String>]
        let taggedAnywhere: Set<String>
        let users: [String: Int]

        init(_ scenario: RetentionScenario) {
            var all: [String: Set<String>] = [:]
            var tagged: [String: Set<String>] = [:]
            for (repository, manifests) in scenario.linked {
                for manifest in manifests {
                    all[repository, default: []].formUnion(RetentionScenario.blobs(of: manifest))
                    if manifest != scenario.retaggedAway { tagged[repository, default: []].formUnion(RetentionScenario.blobs(of: manifest)) }
                }
            }
            self.all = all
            self.tagged = tagged
            taggedAnywhere = tagged.values.reduce(into: Set<String>()) { $0.formUnion($1) }
            users = all.values.reduce(into: [String: Int]()) { counts, blobs in for blob in blobs { counts[blob, default: 0] += 1 } }
        }
    }

    /// The base layer pushed to `ci/app` and `prod/app` is shared in both (and is their only
    /// shared blob); every repository's exclusive + shared equals its total, and each figure is
    /// what the pushed manifests add up to.
    @Test func aLayerInTwoRepositoriesIsSharedInBoth() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let scenario = copy.scenario
        let model = Model(scenario)
        let (run, report) = try await Regkeeper.du(root: copy.root)
        Expect.status(run, 0)
        let base = Int64(scenario.base.size)
        for name in [Repo.app, Repo.prod] {
            let row = try #require(report.repository(name))
            #expect(row.sharedBytes == base, "\(name) sharedBytes")
            #expect(row.exclusiveBytes == row.totalBytes - base, "\(name) exclusiveBytes")
        }
        Expect.same(Set(report.repositories.map(\.name)), Set(Repo.all), "repositories")
        for row in report.repositories {
            let all = model.all[row.name] ?? []
            #expect(row.exclusiveBytes + row.sharedBytes == row.totalBytes, "\(row.name): exclusive + shared != total")
            #expect(row.totalBytes == scenario.bytes(all), "\(row.name) totalBytes")
            #expect(row.exclusiveBytes == scenario.bytes(all.filter { model.users[$0] == 1 }), "\(row.name) exclusiveBytes")
            #expect(row.referencedBytes == scenario.bytes(model.tagged[row.name] ?? []), "\(row.name) referencedBytes")
            #expect(row.untaggedBytes == scenario.bytes(all.subtracting(model.taggedAnywhere)), "\(row.name) untaggedBytes")
        }
    }

    /// Store totals: referenced + untagged + unreferenced == blobBytes, which is every blob on
    /// disk; unreferenced is exactly the orphan blob and the image deleted through the API; the
    /// 200 h old upload is stale; per repository, unreferenced bytes are its links to those blobs.
    @Test func totalsAddUp() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let scenario = copy.scenario
        let model = Model(scenario)
        let (run, report) = try await Regkeeper.du(root: copy.root)
        Expect.status(run, 0)
        let totals = report.totals
        #expect(totals.referencedBytes + totals.untaggedBytes + totals.unreferencedBytes == totals.blobBytes)
        #expect(totals.blobs == scenario.blobSizes.count)
        #expect(totals.blobBytes == scenario.bytes(scenario.blobSizes.keys))
        #expect(totals.referencedBytes == scenario.bytes(model.taggedAnywhere))
        #expect(totals.unreferencedBytes == scenario.bytes(scenario.garbageBlobs))
        #expect(totals.staleUploadBytes == Int64(scenario.abandonedUpload.bytes))
        #expect(report.repository(Repo.app)?.staleUploadBytes == Int64(scenario.abandonedUpload.bytes))
        #expect(report.repository(Repo.prod)?.unreferencedBytes == scenario.bytes([scenario.orphanBlob]))
        // The deleted image's config and layer stay linked into ci/cosign; its manifest blob never was.
        #expect(report.repository(Repo.cosign)?.unreferencedBytes == scenario.bytes(scenario.deletedImage.blobs.map(\.digest)))
    }

    /// `untaggedBytes` is what `gc --delete-untagged` frees beyond what plain `gc` frees:
    /// gc's blob bytes == unreferencedBytes, and gc -m's == untaggedBytes + unreferencedBytes
    /// (dry runs, `--min-age 0`, upload sessions aside).
    @Test func untaggedBytesIsWhatDeleteUntaggedFreesBeyondGC() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let (run, report) = try await Regkeeper.du(root: copy.root)
        Expect.status(run, 0)
        let (gcRun, gc) = try await Regkeeper.gcDryRun([], root: copy.root)
        Expect.status(gcRun, 0)
        let (gcmRun, gcm) = try await Regkeeper.gcDryRun(["--delete-untagged"], root: copy.root)
        Expect.status(gcmRun, 0)
        #expect(report.totals.untaggedBytes > 0, "the store has no untagged bytes, so this proves nothing")
        #expect(report.totals.unreferencedBytes > 0, "the store has no unreferenced bytes, so this proves nothing")
        #expect(gc.deletedBlobBytes == report.totals.unreferencedBytes, "gc blob bytes vs du unreferencedBytes")
        #expect(gcm.deletedBlobBytes == report.totals.untaggedBytes + report.totals.unreferencedBytes,
                "gc --delete-untagged blob bytes vs du untaggedBytes + unreferencedBytes")
        #expect(gcm.deletedBlobBytes - gc.deletedBlobBytes == report.totals.untaggedBytes)
    }
}
