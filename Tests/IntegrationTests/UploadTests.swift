import Foundation
import RegistryFixtures
import Testing

/// Abandoned upload sessions under `_uploads/`.
@Suite("gc abandoned uploads")
struct UploadTests {
    @Test("an abandoned upload older than --upload-age is removed, a younger one is kept")
    func removesOnlyOldUploads() async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let uploads = copy.record.abandonedUploads
        try #require(uploads.count >= 2)
        let old = StoreLayout.upload(copy.root, uploads[0].repository, uploads[0].uuid)
        let young = StoreLayout.upload(copy.root, uploads[1].repository, uploads[1].uuid)
        try await StoreChecks.ageUpload(old, secondsAgo: 30 * 86_400)

        let (run, report) = try await Regkeeper.gcReport(["--min-age", "0", "--upload-age", "7d", copy.root.path])
        StoreChecks.expectStatus(run, 0)
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(!FileManager.default.fileExists(atPath: old.path), "30-day-old upload kept")
        #expect(FileManager.default.fileExists(atPath: young.appendingPathComponent("startedat").path), "fresh upload removed")
        #expect(FileManager.default.fileExists(atPath: young.appendingPathComponent("data").path), "fresh upload's data removed")
    }

    @Test("with the default --upload-age, fresh abandoned uploads are kept")
    func keepsFreshUploadsByDefault() async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let (run, _) = try await Regkeeper.gcReport(["--min-age", "0", copy.root.path])
        StoreChecks.expectStatus(run, 0)
        for upload in copy.record.abandonedUploads {
            let directory = StoreLayout.upload(copy.root, upload.repository, upload.uuid)
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("startedat").path), "\(upload.uuid) removed")
        }
    }
}
