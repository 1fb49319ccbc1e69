import Foundation
import RegistryFixtures

#if canImport(Glibc)
import Glibc
#endif

/// Where the script under test and the test helpers are (found from this file's path, so the
/// tests run the checked-out `Scripts/regkeeper-nightly`).
enum NightlyPaths {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repositoryRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
    static let script = repositoryRoot.appendingPathComponent("Scripts/regkeeper-nightly")
    static let registryctl = testsDirectory.appendingPathComponent("Helpers/registryctl")
    static let probe = testsDirectory.appendingPathComponent("Helpers/regkeeper-probe")
    /// A directory holding a `docker` that implements the compose calls of the default commands.
    static let fakeDockerDirectory = testsDirectory.appendingPathComponent("Helpers/fake-docker")
    static let exampleSettings = repositoryRoot.appendingPathComponent("Scripts/nightly.env.example")
}

/// `'text'` for bash.
func shellQuoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// A real `docker-registry serve` over a store, started, switched and stopped only through
/// `Helpers/registryctl` (as the nightly job's control commands do), which records every call.
final class ControlledRegistry: @unchecked Sendable {
    /// One `regkeeper-probe` observation: a blob upload tried just before a subcommand ran.
    struct Probe: Equatable, CustomStringConvertible {
        let subcommand: String
        let status: Int
        let mode: String
        var description: String { "\(subcommand) \(status) \(mode)" }
    }

    /// registryctl's directory: config.yml, port, pid, mode, calls, probes, registry.log.
    let state: URL
    let port: Int
    let configURL: URL
    let client: RegistryClient

    /// `127.0.0.1:<port>`, as skopeo's `docker://` references want it.
    var hostAndPort: String { "127.0.0.1:\(port)" }

    init(state: URL, storeRoot: URL, blobDescriptorCache: Bool) throws {
        self.state = state
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        port = try FreePort.next()
        var yaml = RegistryConfiguration.yaml(storeRoot: storeRoot, port: port)
        if blobDescriptorCache {
            // Debian's and the registry:3 image's default: deleted blobs stay in this cache.
            yaml = yaml.replacingOccurrences(of: "storage:\n", with: "storage:\n  cache:\n    blobdescriptor: inmemory\n")
        }
        configURL = state.appendingPathComponent("config.yml")
        try Data(yaml.utf8).write(to: configURL)
        try Data("\(port)\n".utf8).write(to: state.appendingPathComponent("port"))
        client = RegistryClient(baseURL: URL(string: "http://127.0.0.1:\(port)")!)
    }

    deinit { stop() }

    /// `registryctl STATE ACTION` as a bash command line (what READONLY_CMD etc. are set to).
    func command(_ action: String) -> String {
        "\(shellQuoted(NightlyPaths.registryctl.path)) \(shellQuoted(state.path)) \(action)"
    }

    /// Starts the registry read-write (the call is not counted in `calls`).
    func start() async throws {
        let output = try await Subprocess.run(NightlyPaths.registryctl.path, [state.path, "start"], timeout: 60)
        guard output.succeeded else { throw CommandFailure(command: "registryctl start", output: output) }
        try? FileManager.default.removeItem(at: state.appendingPathComponent("calls"))
    }

    /// Makes the next `action` fail (registryctl records it and exits 1).
    func failNext(_ action: String) throws {
        try Data().write(to: state.appendingPathComponent("fail-\(action)"))
    }

    /// Makes `regkeeper-probe` send SIGTERM to the nightly script when it runs `subcommand`.
    func terminateScript(on subcommand: String) throws {
        try Data().write(to: state.appendingPathComponent("term-on-\(subcommand)"))
    }

    /// Every control call since `start()`, as "action result" (e.g. "readonly ok").
    var calls: [String] {
        lines("calls").map { $0.split(separator: " ").dropFirst().joined(separator: " ") }
    }

    /// Every probe `regkeeper-probe` made.
    var probes: [Probe] {
        lines("probes").compactMap { line in
            let parts = line.split(separator: " ").map(String.init)
            guard parts.count == 3, let status = Int(parts[1]) else { return nil }
            return Probe(subcommand: parts[0], status: status, mode: parts[2])
        }
    }

    /// "rw" or "ro" as registryctl last started it.
    var mode: String? { lines("mode").first }

    /// The registry's own log (warnings and errors).
    var log: String { (try? String(contentsOf: state.appendingPathComponent("registry.log"), encoding: .utf8)) ?? "" }

    /// Stops the registry registryctl started last: by the PID it recorded, SIGTERM then SIGKILL.
    func stop() {
        guard let text = lines("pid").first, let pid = pid_t(text), pid > 0 else { return }
        guard let command = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8),
              command.contains("docker-registry") else { return }
        kill(pid, SIGTERM)
        for _ in 0..<200 where kill(pid, 0) == 0 { usleep(25_000) }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(at: state.appendingPathComponent("pid"))
    }

    private func lines(_ name: String) -> [String] {
        guard let text = try? String(contentsOf: state.appendingPathComponent(name), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }
}

/// One finished run of `Scripts/regkeeper-nightly`.
struct NightlyRun: CustomStringConvertible {
    let arguments: [String]
    let output: ProcessOutput
    /// What the run logged: the log file's new part with `--log-file`, else stdout and stderr.
    let log: String

    var status: Int32 { output.terminatedBySignal ? 128 + output.status : output.status }

    /// The log's lines.
    var logLines: [String] { log.split(separator: "\n").map(String.init) }

    /// Lines of the log that mention `text`.
    func lines(containing text: String) -> [String] { logLines.filter { $0.contains(text) } }

    var description: String {
        "regkeeper-nightly \(arguments.joined(separator: " ")) -> \(output.exitDescription)\n--- log\n\(log)"
            + "\n--- stdout\n\(output.stdoutText.suffix(3000))\n--- stderr\n\(output.stderrText.suffix(3000))"
    }
}

/// Everything one nightly test needs: a copy of the fixture store (built through the real
/// registry), a registry over it controlled by registryctl, a small `projects` tree, and a
/// settings file for the script pointing at all of it.
final class NightlyBench: @unchecked Sendable {
    let copy: FixtureCopy
    let registry: ControlledRegistry
    let projects: URL
    let backups: URL
    let metrics: URL
    let reports: URL
    let logFile: URL
    let policy: URL
    let configFile: URL
    /// The script's settings; `run` writes them to `configFile` first.
    var settings: [String: String]

    var root: URL { copy.root }
    var record: FixtureRecord { copy.record }
    private var directory: URL { copy.directory.url }

    /// A bench whose registry is up, read-write. `blobDescriptorCache` gives the registry
    /// `storage.cache.blobdescriptor: inmemory`. `probe` runs regkeeper through
    /// `Helpers/regkeeper-probe` (which tries a push before gc and prune-tags).
    static func make(blobDescriptorCache: Bool = false, probe: Bool = true) async throws -> NightlyBench {
        let copy = try await FixtureCopy.make()
        do {
            return try await NightlyBench(copy: copy, blobDescriptorCache: blobDescriptorCache, probe: probe)
        } catch {
            copy.remove()
            throw error
        }
    }

    private init(copy: FixtureCopy, blobDescriptorCache: Bool, probe: Bool) async throws {
        self.copy = copy
        let directory = copy.directory.url
        registry = try ControlledRegistry(
            state: directory.appendingPathComponent("registryctl"), storeRoot: copy.root, blobDescriptorCache: blobDescriptorCache)
        projects = directory.appendingPathComponent("projects")
        backups = directory.appendingPathComponent("backups")
        metrics = directory.appendingPathComponent("metrics")
        reports = directory.appendingPathComponent("reports")
        logFile = directory.appendingPathComponent("log/nightly.log")
        policy = directory.appendingPathComponent("retention.json")
        configFile = directory.appendingPathComponent("nightly.env")

        let fm = FileManager.default
        try fm.createDirectory(at: projects.appendingPathComponent("registry/auth"), withIntermediateDirectories: true)
        try Data("services:\n  registry:\n    image: registry:3\n".utf8)
            .write(to: projects.appendingPathComponent("docker-compose-core.yml"))
        try Data("admin:$2y$05$abcdefghijklmnopqrstuv\n".utf8).write(to: projects.appendingPathComponent("registry/auth/htpasswd"))
        // library/alpine has two tags on one manifest: keeping the last one removes the other tag
        // and frees nothing by itself, so what the night frees is exactly gc --delete-untagged's share.
        try Data(#"{"rules": [{"repository": "library/alpine", "keepLast": 1}]}"#.utf8).write(to: policy)

        let binary = try RegkeeperBinary.path()
        settings = [
            "STORE": registry.configURL.path,
            "REGKEEPER": probe ? "\(NightlyPaths.probe.path) \(registry.state.path) \(binary)" : binary,
            "PRUNE_POLICY": policy.path,
            // The fixture was built seconds ago: no grace period.
            "PRUNE_OPTIONS": "--min-age 0",
            "GC_OPTIONS": "--min-age 0",
            "GC_DELETE_UNTAGGED": "yes",
            "BACKUP_TO": backups.path,
            "BACKUP_SOURCES": "registry=\(copy.root.path) projects=\(projects.path)",
            "METRICS_DIR": metrics.path,
            "REPORT_DIR": reports.path,
            "LOCK_FILE": directory.appendingPathComponent("nightly.lock").path,
            "READONLY_CMD": registry.command("readonly"),
            "READWRITE_CMD": registry.command("readwrite"),
            "RESTART_CMD": registry.command("restart"),
            "HEALTH_URL": "http://127.0.0.1:\(registry.port)/v2/",
            "HEALTH_TIMEOUT": "30",
            "CONTROL_TIMEOUT": "60",
        ]
        try await registry.start()
    }

    /// Extra environment for the script (e.g. a PATH with the fake `docker` first).
    var environment: [String: String] = [:]

    /// Writes the settings and runs the script with `arguments` (plus `--config`).
    func run(_ arguments: [String] = []) async throws -> NightlyRun {
        var text = "# written by NightlyTests\n"
        for key in settings.keys.sorted() {
            let value = settings[key]!.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            text += "\(key)=\"\(value)\"\n"
        }
        try Data(text.utf8).write(to: configFile)
        let before = (try? FileManager.default.attributesOfItem(atPath: logFile.path)[.size] as? Int) ?? 0
        let all = ["--config", configFile.path] + arguments
        // As cron and systemd start it: with default signal dispositions (the test process may
        // ignore some, and ignored signals are inherited and cannot be trapped by bash).
        let output = try await Subprocess.run(
            "env", ["--default-signal=TERM,INT,HUP", NightlyPaths.script.path] + all,
            environment: Subprocess.cleanEnvironment(adding: environment), timeout: 240)
        var log = output.stdoutText + output.stderrText
        if arguments.contains("--log-file") || settings["LOG_FILE"] != nil {
            let data = (try? Data(contentsOf: logFile)) ?? Data()
            log = String(decoding: data.dropFirst(before), as: UTF8.self)
        }
        return NightlyRun(arguments: all, output: output, log: log)
    }

    /// `regkeeper ARGUMENTS`, whatever its outcome.
    func regkeeper(_ arguments: [String]) async throws -> ProcessOutput {
        try await Subprocess.run(try RegkeeperBinary.path(), arguments, timeout: 120)
    }

    /// The text of `METRICS_DIR/NAME`, or nil.
    func metricsText(_ name: String) -> String? {
        try? String(contentsOf: metrics.appendingPathComponent(name), encoding: .utf8)
    }

    /// The backups in BACKUP_TO: (id, kind), oldest first; empty if there is no backup directory.
    func backupList() async throws -> [(id: String, kind: String)] {
        guard FileManager.default.fileExists(atPath: backups.path) else { return [] }
        let output = try await regkeeper(["backups", "--json", "--from", backups.path])
        guard output.succeeded else { throw CommandFailure(command: "regkeeper backups", output: output) }
        struct List: Decodable { struct Entry: Decodable { let id: String; let kind: String }; let backups: [Entry] }
        return try JSONDecoder().decode(List.self, from: output.stdout).backups.map { ($0.id, $0.kind) }
    }

    /// Restores the newest backup into a fresh directory and returns it (holding `registry/`, `projects/`).
    func restoreNewest() async throws -> URL {
        let target = directory.appendingPathComponent("restored-\(UUID().uuidString.prefix(6))")
        let output = try await regkeeper(["restore", "--from", backups.path, "--to", target.path])
        guard output.succeeded else { throw CommandFailure(command: "regkeeper restore", output: output) }
        return target
    }

    /// Writes garbage into the `_layers` link of `digest` in `repository` (a bad link file, as
    /// interrupted writes of older registries leave them); returns its path.
    @discardableResult
    func plantGarbageLink(repository: String, digest: String) throws -> URL {
        let link = StoreLayout.layerLink(root, repository, digest)
        try Data("garbage".utf8).write(to: link)
        return link
    }

    func remove() {
        registry.stop()
        copy.remove()
    }
}

/// The value of one Prometheus sample line, e.g. `regkeeper_gc_success 1`.
func metricValue(_ sample: String, in text: String?) -> Double? {
    guard let text else { return nil }
    return text.split(separator: "\n").first { $0.hasPrefix(sample + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
}

/// Files (path relative to `root` → content hash) and directories of a tree, for comparing a
/// restored tree with its source without caring about directory mtimes.
func treeContent(_ root: URL) throws -> [String: String] {
    var result: [String: String] = [:]
    for (path, entry) in try StoreSnapshot.capture(root).entries {
        switch entry.kind {
        case .file: result[path] = "file \(entry.size) \(entry.contentHash ?? "?") \(String(entry.mode, radix: 8))"
        case .directory: result[path] = "directory"
        case .symlink: result[path] = "symlink \(entry.contentHash ?? "?")"
        case .other: result[path] = "other"
        }
    }
    return result
}
