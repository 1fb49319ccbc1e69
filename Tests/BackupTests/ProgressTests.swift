import Foundation
import RegistryFixtures
import Testing

/// Progress on long work: a line on a terminal (checked in a real one, tmux), nothing otherwise.
@Suite("progress", .serialized)
struct ProgressTests {
    /// A source big enough that a backup takes a moment: 8 files of 24 MiB of incompressible bytes.
    private func bigSource(in scratch: TemporaryDirectory) throws -> URL {
        let source = scratch.url.appendingPathComponent("data")
        try Files.makeDirectory(source)
        var generator = SystemRandomNumberGenerator()
        let chunk = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for index in 0..<8 {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(24 << 20)
            for round in 0..<24 { bytes += chunk.map { $0 ^ UInt8(truncatingIfNeeded: round &* 31 &+ index) } }
            try Files.writeFile(source.appendingPathComponent("part-\(index).bin"), bytes)
        }
        return source
    }

    /// Runs `command` in a detached tmux session and returns every distinct screen captured
    /// (every 20 ms) until it prints DONE. One shell does it all: a tmux server started from a
    /// Foundation `Process` does not outlive that process, so the shell must stay until the end.
    private func screens(of command: String) async throws -> [String] {
        let session = "regkeeper-progress-\(UUID().uuidString.prefix(8))"
        let script = """
            tmux new-session -d -s \(session) -x 200 -y 20 "$1; echo DONE; sleep 30" || exit 1
            for i in $(seq 3000); do
                screen=$(tmux capture-pane -p -t \(session)) || break
                printf '%s\\n=====\\n' "$screen"
                case "$screen" in *DONE*) break ;; esac
                sleep 0.02
            done
            tmux kill-session -t \(session)
            """
        let output = try await Subprocess.run("bash", ["-c", script, "bash", command], timeout: 120)
        return output.stdoutText.components(separatedBy: "\n=====\n")
    }

    @Test("backup draws a progress line on a terminal and clears it before the summary")
    func backupShowsProgressOnATerminal() async throws {
        let scratch = try TemporaryDirectory(prefix: "progress")
        defer { scratch.remove() }
        let source = try bigSource(in: scratch)
        let destination = scratch.url.appendingPathComponent("backups")
        let captured = try await screens(of: "'\(try CLI.binaryPath())' backup --to '\(destination.path)' data='\(source.path)'")
        let progress = captured.flatMap { $0.split(separator: "\n") }.first { $0.contains("regkeeper backup: backing up data") }
        let final = captured.last { $0.contains("DONE") } ?? ""
        #expect(progress.map { $0.contains(" files, ") && $0.contains(" of ") } == true,
                "no progress line in \(captured.count) screens; last:\n\(captured.last ?? "")")
        #expect(final.contains("regkeeper backup: full backup"), "no summary:\n\(final)")
        #expect(!final.contains("backing up data —"), "the progress line was not cleared:\n\(final)")
    }

    @Test("no progress is written when stderr is not a terminal")
    func noProgressWithoutATerminal() async throws {
        let scratch = try TemporaryDirectory(prefix: "progress")
        defer { scratch.remove() }
        let source = scratch.url.appendingPathComponent("small")
        try Files.makeDirectory(source)
        try Files.writeFile(source.appendingPathComponent("a"), "a\n")
        let run = try await CLI.run(["backup", "--to", scratch.url.appendingPathComponent("b").path, "small=\(source.path)"])
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty, "stderr: \(run.stderr)")
    }
}
