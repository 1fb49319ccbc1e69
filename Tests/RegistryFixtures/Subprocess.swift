import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs child processes with output captured into files (so a chatty child can never block on a
/// full pipe) and an environment that carries no `REGISTRY_*` variable.
public enum Subprocess {
    /// Errors raised while starting or waiting for a child.
    public enum Failure: Error, CustomStringConvertible {
        /// The executable was not found on `PATH`.
        case notFound(String)
        /// The child ran longer than its time limit and was killed.
        case timedOut(command: String, seconds: Double)

        public var description: String {
            switch self {
            case .notFound(let name): return "executable '\(name)' not found on PATH"
            case .timedOut(let command, let seconds): return "'\(command)' did not finish within \(seconds)s and was killed"
            }
        }
    }

    /// This process's environment without any `REGISTRY_*` variable (the registry reads those as
    /// configuration overrides), plus `extra`.
    public static func cleanEnvironment(adding extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("REGISTRY_") }
        for (key, value) in extra { environment[key] = value }
        return environment
    }

    /// The absolute path of `name`, looked up on `PATH` unless it already contains a slash.
    public static func locate(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `executable` (a path, or a name looked up on `PATH`) with `arguments` and waits for it.
    /// The child gets `cleanEnvironment()` unless `environment` is given, and is killed after
    /// `timeout` seconds (then this throws `Failure.timedOut`).
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        timeout: Double = 300
    ) async throws -> ProcessOutput {
        guard let path = locate(executable) else { throw Failure.notFound(executable) }
        let scratch = try TemporaryDirectory(prefix: "proc")
        defer { scratch.remove() }
        let outURL = scratch.url.appendingPathComponent("stdout")
        let errURL = scratch.url.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment ?? cleanEnvironment()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle

        let watchdog = Watchdog()
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            watchdog.arm(process: process, seconds: timeout)
        }
        let timedOut = watchdog.disarm()
        try? outHandle.close()
        try? errHandle.close()
        if timedOut {
            throw Failure.timedOut(command: ([path] + arguments).joined(separator: " "), seconds: timeout)
        }
        return ProcessOutput(
            status: process.terminationStatus,
            terminatedBySignal: process.terminationReason == .uncaughtSignal,
            stdout: (try? Data(contentsOf: outURL)) ?? Data(),
            stderr: (try? Data(contentsOf: errURL)) ?? Data())
    }
}
