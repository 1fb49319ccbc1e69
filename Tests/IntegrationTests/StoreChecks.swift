import Foundation
import RegistryFixtures
import Testing

/// Assertions and store edits shared by the `regkeeper gc` tests.
enum StoreChecks {
    /// Records an issue listing the differences unless `after` equals `before`.
    static func expectUnchanged(
        _ before: StoreSnapshot, _ after: StoreSnapshot, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let differences = after.differences(from: before, limit: 15)
        #expect(differences.isEmpty, "\(what) changed the store:\n\(differences.joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    /// Records one compact issue (what is extra, what is missing) unless the two sets are equal.
    static func expectSame<T: Hashable & Comparable>(
        _ actual: Set<T>, _ expected: Set<T>, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        if let difference = SetDifference.describe(actual, expected, what) {
            Issue.record(Comment(rawValue: difference), sourceLocation: sourceLocation)
        }
    }

    /// Requires a run to have exited with `status`, showing its output otherwise.
    static func expectStatus(_ run: GCRun, _ status: Int32, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.status == status, "\(run)", sourceLocation: sourceLocation)
    }

    /// Checks that the report's deleted blobs are the ones that vanished from disk, with the
    /// sizes they had, and that `reclaimedBytes` is their total.
    static func expectReportMatchesDisk(
        _ report: GCReport, before: StoreSnapshot, after: StoreSnapshot, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let vanished = before.blobDigests.subtracting(after.blobDigests)
        expectSame(report.deletedBlobDigests, vanished, "deletedBlobs reported vs blobs removed from disk", sourceLocation: sourceLocation)
        #expect(report.deletedBlobs.count == report.deletedBlobDigests.count, "a blob is listed twice", sourceLocation: sourceLocation)
        let sizes = before.blobSizes
        for blob in report.deletedBlobs {
            #expect(Int64(blob.size) == sizes[blob.digest], "size of \(blob.digest)", sourceLocation: sourceLocation)
        }
        #expect(report.reclaimedBytes == report.deletedBlobs.reduce(0) { $0 + $1.size }, sourceLocation: sourceLocation)
    }

    /// Blobs on disk that no surviving manifest revision is or references, plus any problem
    /// reading the survivors (a revision whose link or blob is broken).
    static func unreachableBlobs(in root: URL) throws -> (unreachable: Set<String>, problems: [String]) {
        let snapshot = try StoreSnapshot.capture(root)
        let blobs = snapshot.blobDigests
        var referenced = Set<String>()
        var problems: [String] = []
        for revision in snapshot.revisionLinks {
            let link = try String(contentsOf: StoreLayout.revisionLink(root, revision.repository, revision.digest), encoding: .utf8)
            if link != revision.digest { problems.append("revision \(revision) has link '\(link)'") }
            guard blobs.contains(revision.digest),
                  let json = try? Data(contentsOf: StoreLayout.blobData(root, revision.digest)),
                  let references = ManifestReferences.digests(in: json)
            else {
                problems.append("surviving revision \(revision) has no readable manifest blob")
                continue
            }
            referenced.insert(revision.digest)
            referenced.formUnion(references)
        }
        return (blobs.subtracting(referenced), problems)
    }

    /// Sets the modification time of everything under `root` (symlinks themselves) to `secondsAgo` in the past.
    static func backdate(_ root: URL, secondsAgo: Int) async throws {
        let stamp = "@\(Int(Date().timeIntervalSince1970) - secondsAgo)"
        let output = try await Subprocess.run("find", [root.path, "-exec", "touch", "-h", "-d", stamp, "{}", "+"])
        guard output.succeeded else { throw CommandFailure(command: "find -exec touch", output: output) }
    }

    /// Makes an upload look `secondsAgo` old: rewrites its `startedat` (RFC 3339, as the registry
    /// writes it) and backdates its files.
    static func ageUpload(_ directory: URL, secondsAgo: Int) async throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let started = formatter.string(from: Date().addingTimeInterval(-Double(secondsAgo)))
        try Data(started.utf8).write(to: directory.appendingPathComponent("startedat"))
        try await backdate(directory, secondsAgo: secondsAgo)
    }
}
