@preconcurrency import Glibc
import FilesystemStore
import Inspection
import RegistryStore

/// `regkeeper du`: which repository eats the disk.
enum DuCommand {
    struct Report: Encodable {
        let command = "du"
        let root: String
        let repositories: [UsageReport.Repository]
        let totals: UsageReport.Totals
        let biggestTags: [UsageReport.TagSize]
        let warnings: [String]
        let errors: [String]
    }

    static func run(_ raw: [String]) -> ExitCode {
        var arguments = Arguments(raw)
        if arguments.flag("--help", "-h") { Terminal.out(Help.du); return .success }
        let json: Bool
        var sortByName = false
        var filters: [String] = []
        var jobs = Terminal.processorCount
        let location: StoreLocation
        do {
            json = arguments.flag("--json")
            if let sort = try arguments.option("--sort") {
                guard sort == "size" || sort == "name" else { throw Arguments.UsageError(description: "--sort: 'size' or 'name', not '\(sort)'") }
                sortByName = sort == "name"
            }
            jobs = try arguments.jobs() ?? jobs
            let root = try arguments.option("--root")
            let store = try arguments.option("--store")
            filters = try arguments.positionals()
            do {
                location = try StoreLocation.resolve(root: root, argument: store, environment: Terminal.environment)
            } catch {
                Terminal.error("regkeeper du: \(error)\n")
                return .failure
            }
        } catch {
            Terminal.error("regkeeper du: \(error)\nRun 'regkeeper du --help' for the options.\n")
            return .usage
        }
        let report: UsageReport
        let problems: [StoreProblem]
        do {
            (report, problems) = try UsageScanner(backend: try FilesystemBackend(root: location.root), jobs: jobs)
                .run(now: Terminal.now(), uploadAge: 168 * 3600 * 1_000_000_000)
        } catch {
            Terminal.error("regkeeper du: \(error)\n")
            return .failure
        }
        var rows = report.repositories.filter { row in filters.isEmpty || filters.contains { fnmatch($0, row.name, 0) == 0 } }
        rows.sort { sortByName ? $0.name < $1.name : ($0.totalBytes, $1.name) > ($1.totalBytes, $0.name) }
        let errors = problems.filter { $0.severity == .error }.map(\.description)
        if json {
            Terminal.out(GCCommand.encode(Report(root: location.root, repositories: rows, totals: report.totals, biggestTags: report.biggestTags,
                                                 warnings: problems.filter { $0.severity == .warning }.map(\.description), errors: errors)))
        } else {
            Terminal.out(render(rows, report))
            for error in errors { Terminal.out("  error: \(error)\n") }
        }
        return errors.isEmpty ? .success : .markErrors
    }

    static func render(_ rows: [UsageReport.Repository], _ report: UsageReport) -> String {
        let f = ByteCountText.format
        func pad(_ text: String, _ width: Int, right: Bool = true) -> String {
            let fill = String(repeating: " ", count: max(0, width - text.count))
            return right ? fill + text : text + fill
        }
        var out = pad("REPOSITORY", 32, right: false) + pad("TAGS", 6) + pad("TOTAL", 11) + pad("BY TAGS", 11) + pad("ONLY HERE", 11)
            + pad("SHARED", 11) + pad("UNTAGGED", 11) + pad("GARBAGE", 11) + pad("UPLOADS", 11) + "\n"
        for row in rows {
            out += pad(row.name, 32, right: false) + pad(String(row.tags), 6) + pad(f(row.totalBytes), 11) + pad(f(row.referencedBytes), 11)
                + pad(f(row.exclusiveBytes), 11) + pad(f(row.sharedBytes), 11) + pad(f(row.untaggedBytes), 11)
                + pad(f(row.unreferencedBytes), 11) + pad(f(row.staleUploadBytes), 11) + "\n"
        }
        let t = report.totals
        out += "\nstore: \(t.blobs) blobs, \(f(t.blobBytes)); needed by tags \(f(t.referencedBytes)); "
            + "freed by 'gc -m' \(f(t.untaggedBytes + t.unreferencedBytes)) (untagged \(f(t.untaggedBytes)) + unreferenced \(f(t.unreferencedBytes))); "
            + "stale uploads \(f(t.staleUploadBytes))\n"
        if !report.biggestTags.isEmpty {
            out += "biggest tags:\n"
            for tag in report.biggestTags { out += "  \(pad(f(tag.bytes), 10))  \(tag.repository):\(tag.tag)\n" }
        }
        return out
    }
}
