import Foundation
import RegistryFixtures
import Testing

/// `prune-tags` rules on a store made by the real registry: which tags each rule removes.
/// Push times are the `current/link` mtimes the scenario set (hours ago, see `RetentionScenario`).
@Suite("prune-tags rules")
struct RetentionRuleTests {
    typealias Repo = RetentionScenario.Repo

    /// `--keep-last 2` keeps the two most recently pushed tags of `ci/app` (`latest` 12 h, `build-4` 24 h)
    /// and removes the rest, however they are named; other repositories keep every tag.
    @Test func keepLastKeepsTheMostRecentlyPushedTags() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let (run, report) = try await Regkeeper.pruneTags(["--repo", Repo.app, "--keep-last", "2"], root: copy.root)
        Expect.pruned(run, report)
        let removed: Set<String> = ["ci/app:v1.0", "ci/app:build-1", "ci/app:build-2", "ci/app:build-3"]
        Expect.same(report.removedKeys, removed, "removedTags")
        Expect.onlyTagsRemoved(removed, in: copy)
    }

    /// `--keep-within 9d` keeps `build-2` (192 h) and newer, removes `build-1` (240 h) and `v1.0` (720 h).
    @Test func keepWithinKeepsTagsPushedWithinTheDuration() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let (run, report) = try await Regkeeper.pruneTags(["--repo", Repo.app, "--keep-within", "9d"], root: copy.root)
        Expect.pruned(run, report)
        let removed: Set<String> = ["ci/app:v1.0", "ci/app:build-1"]
        Expect.same(report.removedKeys, removed, "removedTags")
        Expect.onlyTagsRemoved(removed, in: copy)
    }

    /// `--keep-tag '^v\d+' --keep-tag latest` keeps the oldest tag `v1.0` and `latest` whatever their
    /// age, and they do not count against `--keep-last 1` (which then keeps `build-4`).
    @Test func keepTagPatternsAreAlwaysKeptAndNotCounted() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let (run, report) = try await Regkeeper.pruneTags(
            ["--repo", Repo.app, "--keep-last", "1", "--keep-tag", #"^v\d+"#, "--keep-tag", "latest"], root: copy.root)
        Expect.pruned(run, report)
        let removed: Set<String> = ["ci/app:build-1", "ci/app:build-2", "ci/app:build-3"]
        Expect.same(report.removedKeys, removed, "removedTags")
        Expect.onlyTagsRemoved(removed, in: copy)
    }

    /// `--match '^build-' --keep-last 2`: only `build-*` tags are candidates; the two newest of
    /// them stay, and `v1.0` (older than all of them) is not touched.
    @Test func matchLimitsTheCandidates() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let (run, report) = try await Regkeeper.pruneTags(["--repo", Repo.app, "--match", "^build-", "--keep-last", "2"], root: copy.root)
        Expect.pruned(run, report)
        let removed: Set<String> = ["ci/app:build-1", "ci/app:build-2"]
        Expect.same(report.removedKeys, removed, "removedTags")
        Expect.onlyTagsRemoved(removed, in: copy)
    }

    /// `--repo 'ci/*'` governs every `ci/` repository and never `prod/app`, whose tags are older
    /// than all of them: its tags, revisions and tag history stay byte for byte.
    @Test func repoGlobDoesNotTouchOtherRepositories() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let before = try copy.snapshot()
        let (run, report) = try await Regkeeper.pruneTags(["--repo", "ci/*", "--keep-within", "3d"], root: copy.root)
        Expect.pruned(run, report)
        let removed: Set<String> = [
            "ci/app:v1.0", "ci/app:build-1", "ci/app:build-2", "ci/app:build-3", "ci/tools:1.0",
            "ci/multi:old", "ci/multi:list-old", "ci/signed:1",
        ]
        Expect.same(report.removedKeys, removed, "removedTags")
        Expect.onlyTagsRemoved(removed, in: copy)

        let after = try copy.snapshot()
        let prodManifests = "docker/registry/v2/repositories/\(Repo.prod)/_manifests"
        #expect(after.entries.filter { $0.key.hasPrefix(prodManifests) } == before.entries.filter { $0.key.hasPrefix(prodManifests) },
                "prod/app's _manifests changed")
        // The only change allowed in prod/app is the collection's removal of the layer link to
        // the blob no manifest references (store-wide garbage, not a tag of prod/app).
        let orphanLink = StoreFiles.relative(StoreLayout.layerLink(copy.root, Repo.prod, copy.scenario.orphanBlob), in: copy.root)
        let orphanDirectory = String(orphanLink.dropLast("/link".count))
        let allowed: Set<String> = [orphanLink, orphanDirectory, String(orphanDirectory.dropLast(65))]
        let prodChanges = Set(before.entries(under: Repo.prod).keys).union(after.entries(under: Repo.prod).keys).filter {
            before.entries[$0] != after.entries[$0]
        }
        Expect.same(prodChanges.subtracting(allowed), [], "changes in prod/app other than the orphan blob's layer link")
    }

    /// `--policy FILE` with two rules: the first whose glob matches governs (`ci/app` keeps `v1.0`
    /// and `latest`, which the second rule would remove); a repository no rule matches is left alone.
    @Test func theFirstMatchingPolicyRuleGoverns() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let policy = copy.directory.url.appendingPathComponent("retention.json")
        try Data(#"""
            {"rules": [
              {"repository": "ci/app", "keepLast": 1, "match": "^build-"},
              {"repository": "ci/*", "keepWithin": "3d"}
            ]}
            """#.utf8).write(to: policy)
        let (run, report) = try await Regkeeper.pruneTags(["--policy", policy.path], root: copy.root)
        Expect.pruned(run, report)
        let removed: Set<String> = [
            "ci/app:build-1", "ci/app:build-2", "ci/app:build-3", "ci/tools:1.0", "ci/multi:old", "ci/multi:list-old", "ci/signed:1",
        ]
        Expect.same(report.removedKeys, removed, "removedTags")
        Expect.onlyTagsRemoved(removed, in: copy)
    }

    /// `--prune-orphan-signatures` alone removes the cosign tag `sha256-<hex>.sig` whose subject
    /// was deleted through the API, and keeps the one whose subject lives.
    @Test func orphanSignatureTagsGoAndLiveOnesStay() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let scenario = copy.scenario
        let (run, report) = try await Regkeeper.pruneTags(["--prune-orphan-signatures"], root: copy.root)
        Expect.pruned(run, report)
        let orphan = "\(Repo.cosign):\(RetentionScenario.signatureTag(of: scenario.deletedImage))"
        Expect.same(report.removedKeys, [orphan], "removedTags")
        Expect.onlyTagsRemoved([orphan], in: copy)
        // The orphaned signature's manifest and payload are freed with it; the live one's stay.
        let signature = scenario.image("\(Repo.cosign):sig-gone")
        Expect.same(report.collection?.deletedManifestKeys ?? [], ["\(Repo.cosign)@\(signature.digest)"], "deletedManifests")
        Expect.same(report.collection?.deletedBlobDigests ?? [], scenario.expectedFreedBlobs(losing: [(Repo.cosign, signature)]), "deletedBlobs")
    }

    /// A signature tag whose subject this very run removes (tag `1` is the only tag of its image)
    /// is an orphan once the run is over, so `--prune-orphan-signatures` removes it in the same run.
    @Test func signatureOfAnImageRemovedInTheSameRunGoesToo() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let scenario = copy.scenario
        let (run, report) = try await Regkeeper.pruneTags(
            ["--repo", Repo.cosign, "--match", #"^\d+$"#, "--keep-last", "0", "--prune-orphan-signatures"], root: copy.root)
        Expect.pruned(run, report)
        let image = scenario.image("\(Repo.cosign):1")
        #expect(report.collection?.deletedManifestKeys.contains("\(Repo.cosign)@\(image.digest)") == true, "image of tag 1 not freed")
        let removed: Set<String> = [
            "\(Repo.cosign):1", "\(Repo.cosign):\(RetentionScenario.signatureTag(of: image))",
            "\(Repo.cosign):\(RetentionScenario.signatureTag(of: scenario.deletedImage))",
        ]
        Expect.same(report.removedKeys, removed, "removedTags")
        Expect.onlyTagsRemoved(removed, in: copy)
    }

    /// The help promises "a rule never removes every tag"; `--keep-last 0` (accepted: "0 or more")
    /// with nothing else kept must then either be refused (exit 2) or leave a tag.
    @Test func aRuleNeverRemovesEveryTag() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let run = try await Regkeeper.run(["prune-tags", "--json", "--min-age", "0", "--repo", Repo.tools, "--keep-last", "0", copy.root.path])
        if run.status == 2 { return }
        Expect.status(run, 0)
        #expect(!copy.tagsOnDisk(Repo.tools).isEmpty, "every tag of \(Repo.tools) was removed:\n\(run)")
    }
}
