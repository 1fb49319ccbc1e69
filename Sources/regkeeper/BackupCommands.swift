import Archiver
import FoundationEssentials
import RegistryStore

/// `regkeeper backup`, `restore`, `backups`, `verify`: parse, run, print.
enum BackupCommands {
    static func backup(_ raw: [String]) -> ExitCode {
        var arguments = Arguments(raw)
        if arguments.flag("--help", "-h") { Terminal.out(Help.backup); return .success }
        var options: BackupOptions
        let json: Bool
        var quiet = false
        var verbose = false
        let started = Terminal.monotonic()
        var metricsPath: String?
        do {
            json = arguments.flag("--json")
            metricsPath = try arguments.option("--metrics-file")
            quiet = arguments.flag("--quiet", "-q")
            verbose = arguments.flag("--verbose", "-v")
            let full = arguments.flag("--full")
            let skipUnreferenced = arguments.flag("--skip-unreferenced")
            guard let destination = try arguments.option("--to") else { throw Arguments.UsageError(description: "--to DEST is required") }
            let compression = try arguments.option("--compression")
            let sources = try arguments.positionals()
            guard !sources.isEmpty else { throw Arguments.UsageError(description: "name at least one source as NAME=PATH, e.g. registry=/var/lib/registry") }
            options = BackupOptions(destination: destination, sources: [])
            for text in sources {
                guard let source = BackupOptions.Source(argument: text) else {
                    throw Arguments.UsageError(description: "'\(text)' is not NAME=PATH (NAME: letters, digits, - _ .)")
                }
                options.sources.append(source)
            }
            options.full = full
            options.skipUnreferenced = skipUnreferenced
            if let compression {
                guard let codec = ArchiveCodec(compression) else {
                    throw Arguments.UsageError(description: "--compression: '\(compression)' is not zstd, zstd:LEVEL (1-19) or lz4")
                }
                options.codec = codec
            }
            options.workers = Int32(Terminal.processorCount)
        } catch {
            return usage("backup", error)
        }
        do {
            let line = ProgressLine(command: "backup", quiet: quiet, json: json, verbose: verbose)
            let report = try BackupWriter(options: options).run(now: Terminal.now(), clock: Terminal.monotonic, progress: line.update)
            line.finish()
            if json {
                Terminal.out(GCCommand.encode(report))
            } else {
                Terminal.out("regkeeper backup: \(report.kind) backup \(report.id) → \(options.destination)/\(report.archive)\n"
                    + "  \(report.entries) entries; read \(report.filesRead) files (\(ByteCountText.format(report.bytesRead))), "
                    + "skipped \(report.filesSkipped) unchanged (\(ByteCountText.format(report.bytesSkipped)))\n"
                    + "  archive \(ByteCountText.format(report.archiveBytes)) in \(DurationText.format3(report.durationSeconds))s\n")
                for warning in report.warnings { Terminal.out("  warning: \(warning)\n") }
            }
            return MetricsFile.emit(metricsPath, command: "backup", code: .success, started: started) { metrics in
                metrics.gauge("full", report.kind == "full" ? 1 : 0, help: "1 if the last backup was a full one.")
                metrics.gauge("files_read", Double(report.filesRead), help: "Files read and stored.")
                metrics.gauge("bytes_read", Double(report.bytesRead), help: "Bytes read and stored.")
                metrics.gauge("files_skipped", Double(report.filesSkipped), help: "Files unchanged since the parent backup.")
                metrics.gauge("archive_bytes", Double(report.archiveBytes), help: "Size of the archive written.")
                metrics.gauge("entries", Double(report.entries), help: "Entries in the backup's file set.")
                metrics.gauge("warnings", Double(report.warnings.count), help: "Warnings (files left out, corrupt blobs, external symlinks).")
            }
        } catch {
            MetricsFile.emit(metricsPath, command: "backup", code: .failure, started: started)
            return failure("backup", error, json: json)
        }
    }

    static func restore(_ raw: [String]) -> ExitCode {
        var arguments = Arguments(raw)
        if arguments.flag("--help", "-h") { Terminal.out(Help.restore); return .success }
        var options: RestoreOptions
        let json: Bool
        var quiet = false
        var verbose = false
        do {
            json = arguments.flag("--json")
            quiet = arguments.flag("--quiet", "-q")
            verbose = arguments.flag("--verbose", "-v")
            guard let from = try arguments.option("--from") else { throw Arguments.UsageError(description: "--from DEST is required") }
            guard let target = try arguments.option("--to") else { throw Arguments.UsageError(description: "--to DIR is required") }
            let allowExternal = arguments.flag("--allow-external-symlinks")
            options = RestoreOptions(from: from, at: try arguments.option("--at"), target: target)
            options.allowExternalSymlinks = allowExternal
            options.selections = try arguments.positionals()
        } catch {
            return usage("restore", error)
        }
        do {
            let line = ProgressLine(command: "restore", quiet: quiet, json: json, verbose: verbose)
            let report = try Restorer(options: options).run(clock: Terminal.monotonic, progress: line.update)
            line.finish()
            if json {
                Terminal.out(GCCommand.encode(report))
            } else {
                Terminal.out("regkeeper restore: backup \(report.id) (chain \(report.chain.joined(separator: " → "))) → \(report.target)\n"
                    + "  \(report.files) files (\(ByteCountText.format(report.bytes))) verified, \(report.directories) directories, "
                    + "\(report.symlinks) symlinks in \(DurationText.format3(report.durationSeconds))s\n")
            }
            return .success
        } catch {
            return failure("restore", error, json: json)
        }
    }

    static func list(_ raw: [String]) -> ExitCode {
        var arguments = Arguments(raw)
        if arguments.flag("--help", "-h") { Terminal.out(Help.backups); return .success }
        let json: Bool
        let from: String
        do {
            json = arguments.flag("--json")
            guard let value = try arguments.option("--from") else { throw Arguments.UsageError(description: "--from DEST is required") }
            from = value
            _ = try arguments.positionals()
        } catch {
            return usage("backups", error)
        }
        do {
            let headers = try BackupDirectory(path: from, create: false).headers()
            if json {
                Terminal.out(GCCommand.encode(BackupList(backups: headers)))
            } else {
                Terminal.out("ID                 KIND         PARENT             FILES    STORED      ARCHIVE     CREATED\n")
                for h in headers {
                    Terminal.out("\(pad(h.id, 18)) \(pad(h.kind, 12)) \(pad(h.parent ?? "-", 18)) \(pad(String(h.entries), 8)) "
                        + "\(pad(ByteCountText.format(h.bytesStored), 11)) \(pad(ByteCountText.format(h.archiveBytes), 11)) \(h.created)\n")
                }
            }
            return .success
        } catch {
            return failure("backups", error, json: json)
        }
    }

    static func verify(_ raw: [String]) -> ExitCode {
        var arguments = Arguments(raw)
        if arguments.flag("--help", "-h") { Terminal.out(Help.verify); return .success }
        let json: Bool
        let verifier: Verifier
        var quiet = false
        do {
            json = arguments.flag("--json")
            quiet = arguments.flag("--quiet", "-q")
            guard let from = try arguments.option("--from") else { throw Arguments.UsageError(description: "--from DEST is required") }
            verifier = Verifier(from: from, at: try arguments.option("--at"))
            _ = try arguments.positionals()
        } catch {
            return usage("verify", error)
        }
        do {
            let line = ProgressLine(command: "verify", quiet: quiet, json: json)
            let report = try verifier.run(progress: line.update)
            line.finish()
            if json {
                Terminal.out(GCCommand.encode(report))
            } else {
                Terminal.out("regkeeper verify: backup \(report.id), \(report.archives) archives, \(report.files) files "
                    + "(\(ByteCountText.format(report.bytes))) checked: \(report.ok ? "OK" : "\(report.problems.count) problems")\n")
                for problem in report.problems { Terminal.out("  problem: \(problem)\n") }
                for warning in report.warnings { Terminal.out("  warning: \(warning)\n") }
            }
            return report.ok ? .success : .failure
        } catch {
            return failure("verify", error, json: json)
        }
    }

    private struct BackupList: Encodable { let backups: [CatalogHeader] }
    private struct Failure: Encodable { let command: String; let error: String }

    private static func usage(_ command: String, _ error: any Error) -> ExitCode {
        Terminal.error("regkeeper \(command): \(error)\nRun 'regkeeper \(command) --help' for the options.\n")
        return .usage
    }

    private static func failure(_ command: String, _ error: any Error, json: Bool) -> ExitCode {
        if json { Terminal.out(GCCommand.encode(Failure(command: command, error: "\(error)"))) }
        Terminal.error("regkeeper \(command): \(error)\n")
        return .failure
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
