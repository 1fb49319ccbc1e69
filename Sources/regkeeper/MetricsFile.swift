import FoundationEssentials
import POSIXFilesystem

/// `--metrics-file PATH`: Prometheus text format for node_exporter's textfile collector,
/// written to a temporary file and renamed so the collector never reads half a file.
struct MetricsFile {
    let path: String
    let command: String
    private var lines: [String] = []

    init(path: String, command: String) {
        self.path = path
        self.command = String(command.map { $0 == "-" ? "_" : $0 })
    }

    /// Adds a gauge `regkeeper_<command>_<name>`.
    mutating func gauge(_ name: String, _ value: Double, help: String, labels: [String: String] = [:]) {
        let metric = "regkeeper_\(command)_\(name)"
        if !lines.contains("# TYPE \(metric) gauge") {
            lines.append("# HELP \(metric) \(help)")
            lines.append("# TYPE \(metric) gauge")
        }
        let labelText = labels.isEmpty ? "" : "{" + labels.sorted { $0.key < $1.key }
            .map { "\($0.key)=\"\(Self.escape($0.value))\"" }
            .joined(separator: ",") + "}"
        lines.append("\(metric)\(labelText) \(Self.format(value))")
    }

    /// Writes the file: duration, success, and the last success time (kept from the previous
    /// file when this run failed). Returns an error message instead of throwing.
    mutating func write(success: Bool, durationSeconds: Double, now: Int64) -> String? {
        gauge("duration_seconds", durationSeconds, help: "How long the last run took.")
        gauge("success", success ? 1 : 0, help: "1 if the last run succeeded, 0 if it failed.")
        gauge("last_run_timestamp_seconds", Double(now) / 1e9, help: "When the last run ended (Unix time).")
        let lastSuccessName = "regkeeper_\(command)_last_success_timestamp_seconds"
        let previous = (try? String(contentsOfFile: path, encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix(lastSuccessName + " ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
        if let lastSuccess = success ? Double(now) / 1e9 : previous {
            gauge("last_success_timestamp_seconds", lastSuccess, help: "When a run last succeeded (Unix time).")
        }
        let slash = path.lastIndex(of: "/")
        let directoryPath = slash.map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        do {
            let directory = try Directory.open(directoryPath)
            let temporary = ".\(name).\(UInt32.random(in: 0...UInt32.max)).tmp"
            let file = try directory.createFile(temporary, mode: 0o644)
            try file.write(Array((lines.joined(separator: "\n") + "\n").utf8))
            try file.sync()
            try directory.rename(temporary, to: name, in: directory)
            return nil
        } catch {
            return "could not write metrics to \(path): \(error)"
        }
    }

    /// A label value with backslashes, quotes and newlines escaped.
    static func escape(_ value: String) -> String {
        var out = ""
        for c in value {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
