@preconcurrency import Glibc

/// The `regkeeper` command: picks the subcommand and turns its outcome into an exit status.
@main
struct Regkeeper {
    static let version = "0.1.0"

    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let command = arguments.first ?? "help"
        if !arguments.isEmpty { arguments.removeFirst() }
        let code: ExitCode
        switch command {
        case "gc", "garbage-collect":
            code = GCCommand.run(arguments)
        case "du":
            code = DuCommand.run(arguments)
        case "check":
            code = CheckCommand.run(arguments)
        case "prune-tags":
            code = PruneTagsCommand.run(arguments)
        case "backup":
            code = BackupCommands.backup(arguments)
        case "restore":
            code = BackupCommands.restore(arguments)
        case "backups":
            code = BackupCommands.list(arguments)
        case "verify":
            code = BackupCommands.verify(arguments)
        case "completion":
            code = Completion.run(arguments)
        case "help", "-h", "--help":
            code = Help.show(topic: arguments.first)
        case "--version", "version":
            Terminal.out("regkeeper \(version)\n")
            code = .success
        default:
            Terminal.error("regkeeper: unknown command '\(command)'\n\n" + Help.overview)
            code = .usage
        }
        exit(code.rawValue)
    }
}
