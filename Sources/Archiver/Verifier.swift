import Hashing
import RegistryStore

/// Checks a backup chain without writing anything: every archive decompresses with valid frame
/// checksums, its tar stream is well formed and safe, its embedded catalog matches the copy beside
/// it, and every file it is meant to hold is there with the right SHA-256 (registry blobs also
/// against the digest in their path).
public struct Verifier {
    public let from: String
    public let at: String?

    public init(from: String, at: String?) {
        self.from = from
        self.at = at
    }

    /// What `verify` checked, printed by `verify --json`.
    public struct Report: Encodable, Sendable {
        public var id: String
        public var chain: [String]
        public var archives: Int = 0
        public var files: Int = 0
        public var bytes: Int64 = 0
        public var problems: [String] = []
        /// Not damage, but worth knowing: symlinks that `restore` refuses without `--allow-external-symlinks`.
        public var warnings: [String] = []
        public var ok: Bool { problems.isEmpty }

        enum CodingKeys: String, CodingKey { case id, chain, archives, files, bytes, problems, warnings, ok }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(chain, forKey: .chain)
            try c.encode(archives, forKey: .archives)
            try c.encode(files, forKey: .files)
            try c.encode(bytes, forKey: .bytes)
            try c.encode(problems, forKey: .problems)
            try c.encode(warnings, forKey: .warnings)
            try c.encode(ok, forKey: .ok)
        }
    }

    public func run(progress: (WorkProgress) -> Void = { _ in }) throws(BackupError) -> Report {
        let source = try BackupDirectory(path: from, create: false)
        let lock = try source.lock(shared: true)
        defer { withExtendedLifetime(lock) {} }
        let chain = try source.chain(to: at)
        var report = Report(id: chain.last!.id, chain: chain.map(\.id))
        for member in chain {
            let catalog = try source.catalog(id: member.id)
            let roots = Set(catalog.header.sources.map(\.name))
            var expected: [String: CatalogEntry] = [:]
            for entry in catalog.entries where entry.isFile && entry.archive == member.id { expected[entry.path] = entry }
            for entry in catalog.entries {
                do { try EntryPolicy.checkPath(entry.path, roots: roots) } catch { report.problems.append("\(member.id): catalog: \(error)") }
                if entry.isSymlink, member.id == chain.last?.id {
                    do { try EntryPolicy.checkSymlink(entry.path, target: entry.target ?? "") } catch { report.warnings.append("\(error)") }
                }
                if entry.isFile, let hex = BackupWriter.blobHex(entry.path.split(separator: "/", maxSplits: 1).dropFirst().joined()),
                   entry.sha256 != hex {
                    report.problems.append("\(member.id): \(entry.path): catalog digest \(entry.sha256 ?? "none") does not match the blob's name")
                }
            }
            let reader = try source.openArchive(member)
            report.archives += 1
            do {
                let embedded = try Catalog.decode(compressed: try reader.catalogBytes())
                if embedded.entries != catalog.entries {
                    report.problems.append("\(member.id): the catalog inside the archive differs from \(member.id)\(BackupDirectory.catalogSuffix)")
                }
            } catch {
                report.problems.append("\(member.id): \(error)")
            }
            var verified = Set<String>()
            var current: CatalogEntry?
            let hasher = SHA256()
            do {
                try reader.readTar { event in
                    switch event {
                    case .entry(let tarEntry):
                        do { try EntryPolicy.checkPath(tarEntry.path, roots: roots) } catch {
                            report.problems.append("\(member.id): archive: \(error)")
                        }
                        current = tarEntry.kind == .file ? expected[tarEntry.path] : nil
                        hasher.reset()
                    case .data(let bytes):
                        if current != nil { hasher.update(bytes) }
                    case .endOfEntry:
                        guard let entry = current else { return }
                        current = nil
                        if Digest(bytes: hasher.finalize())!.hex == entry.sha256, !verified.contains(entry.path) {
                            verified.insert(entry.path)
                            report.files += 1
                            progress(WorkProgress(phase: "verifying \(member.id)", files: report.files, bytes: report.bytes + entry.size,
                                                  totalBytes: nil))
                            report.bytes += entry.size
                        }
                    }
                }
            } catch {
                report.problems.append("\(member.id): \(reader.file.path): \(error)")
                continue
            }
            for path in expected.keys.sorted() where !verified.contains(path) {
                report.problems.append("\(member.id): \(path): missing from the archive or its content does not match sha256 \(expected[path]!.sha256 ?? "")")
            }
        }
        return report
    }
}
