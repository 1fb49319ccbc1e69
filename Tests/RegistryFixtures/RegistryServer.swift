import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real `docker-registry serve` on 127.0.0.1 over a given store root, run as a child process
/// without any `REGISTRY_*` variable; stopped by PID in `stop()` (or when released).
public final class RegistryServer {
    /// The server failed to come up.
    public struct StartFailure: Error, CustomStringConvertible {
        /// Why, with the tail of its log.
        public let message: String
        public var description: String { message }
    }

    /// The store the server serves.
    public let storeRoot: URL
    /// The config file it was started with (the stock GC needs it too).
    public let configURL: URL
    /// The port it listens on.
    public let port: Int
    /// A client for it.
    public let client: RegistryClient
    private let process: Process
    private let workDirectory: TemporaryDirectory
    private var stopped = false

    /// `127.0.0.1:<port>`, as skopeo's `docker://` references want it.
    public var hostAndPort: String { "127.0.0.1:\(port)" }

    /// `http://127.0.0.1:<port>`.
    public var baseURL: URL { client.baseURL }

    /// The server's combined output so far (warnings and errors only).
    public var log: String {
        (try? String(contentsOf: workDirectory.url.appendingPathComponent("registry.log"), encoding: .utf8)) ?? ""
    }

    private init(storeRoot: URL, configURL: URL, port: Int, process: Process, workDirectory: TemporaryDirectory) {
        self.storeRoot = storeRoot
        self.configURL = configURL
        self.port = port
        self.process = process
        self.workDirectory = workDirectory
        self.client = RegistryClient(baseURL: URL(string: "http://127.0.0.1:\(port)")!)
    }

    deinit {
        stop()
        workDirectory.remove()
    }

    /// Starts a registry over `storeRoot` (created if missing) on a free port and waits until
    /// `GET /v2/` answers 200. Retries on another port if the chosen one was taken meanwhile.
    public static func start(storeRoot: URL, executable: String = "docker-registry", timeout: Double = 20) async throws -> RegistryServer {
        guard let path = Subprocess.locate(executable) else { throw Subprocess.Failure.notFound(executable) }
        try FileManager.default.createDirectory(at: storeRoot, withIntermediateDirectories: true)
        var lastError: (any Error)?
        for _ in 0..<3 {
            do {
                return try await launch(path: path, storeRoot: storeRoot, timeout: timeout)
            } catch {
                lastError = error
            }
        }
        throw lastError!
    }

    private static func launch(path: String, storeRoot: URL, timeout: Double) async throws -> RegistryServer {
        let work = try TemporaryDirectory(prefix: "registry")
        let port = try FreePort.next()
        let config = try RegistryConfiguration.write(
            storeRoot: storeRoot, port: port, to: work.url.appendingPathComponent("config.yml"))
        let logURL = work.url.appendingPathComponent("registry.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: logURL)
        defer { try? logHandle.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["serve", config.path]
        process.environment = Subprocess.cleanEnvironment()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()

        let server = RegistryServer(storeRoot: storeRoot, configURL: config, port: port, process: process, workDirectory: work)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !process.isRunning {
                let log = server.log
                server.stop()
                throw StartFailure(message: "docker-registry exited during start-up (port \(port)): \(log.suffix(2000))")
            }
            if await server.client.isUp() { return server }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        let log = server.log
        server.stop()
        throw StartFailure(message: "docker-registry did not answer GET /v2/ within \(timeout)s: \(log.suffix(2000))")
    }

    /// Stops the server by PID: SIGTERM, then SIGKILL if it has not exited after 5 s; waits for it.
    /// Safe to call more than once. The config file and log stay until the server is released.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        let pid = process.processIdentifier
        if process.isRunning {
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(pid, SIGKILL) }
        }
        process.waitUntilExit()
    }
}
