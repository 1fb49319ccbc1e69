import Foundation
import RegistryFixtures
import Testing

/// The examples shipped beside the script: the settings file and the systemd units.
@Suite("Examples for the nightly job")
struct ExampleFilesTests {
    /// The example settings are accepted as they are (--show-config), with the compose defaults.
    @Test func exampleSettingsAreAccepted() async throws {
        let output = try await Subprocess.run(
            NightlyPaths.script.path, ["--config", NightlyPaths.exampleSettings.path, "--show-config"], timeout: 30)
        #expect(output.succeeded, "\(output.stderrText)")
        let text = output.stdoutText
        #expect(text.contains(#"READONLY_CMD='docker compose -f /root/projects/docker-compose-core.yml -f "$REGKEEPER_NIGHTLY_READONLY_OVERRIDE" up -d --no-deps --wait registry'"#), "\(text)")
        #expect(text.contains("READWRITE_CMD='docker compose -f /root/projects/docker-compose-core.yml up -d --no-deps --wait registry'"), "\(text)")
        #expect(text.contains("READONLY_WINDOW='yes'"))
    }

    /// A typo in the settings stops the job before it touches anything (exit 2, with the line).
    @Test func unknownSettingIsAnError() async throws {
        let directory = try TemporaryDirectory(prefix: "settings")
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("nightly.env")
        try Data("STORE=/var/lib/registry\nGC_DELETE_UNTAGGD=yes\n".utf8).write(to: file)
        let output = try await Subprocess.run(NightlyPaths.script.path, ["--config", file.path], timeout: 30)
        #expect(output.status == 2 && !output.terminatedBySignal)
        #expect(output.stderrText.contains("nightly.env:2: unknown setting 'GC_DELETE_UNTAGGD'"), "\(output.stderrText)")
    }

    /// `systemd-analyze verify` finds nothing to say about the service and timer (unknown keys
    /// and bad values would be reported with the file's name).
    @Test(.enabled(if: Subprocess.locate("systemd-analyze") != nil, "needs systemd-analyze"))
    func systemdUnitsVerify() async throws {
        let directory = try TemporaryDirectory(prefix: "units")
        defer { directory.remove() }
        let units = NightlyPaths.repositoryRoot.appendingPathComponent("Scripts/systemd")
        for name in ["regkeeper-nightly.service", "regkeeper-nightly.timer"] {
            var text = try String(contentsOf: units.appendingPathComponent(name), encoding: .utf8)
            // verify checks that ExecStart's program exists: point it at the checked-out script.
            text = text.replacingOccurrences(of: "/usr/local/bin/regkeeper-nightly", with: NightlyPaths.script.path)
            try Data(text.utf8).write(to: directory.url.appendingPathComponent(name))
        }
        let output = try await Subprocess.run("systemd-analyze", [
            "verify", "--man=no",
            directory.url.appendingPathComponent("regkeeper-nightly.service").path,
            directory.url.appendingPathComponent("regkeeper-nightly.timer").path,
        ], timeout: 60)
        let complaints = output.combinedText.split(separator: "\n").filter { $0.contains("regkeeper-nightly.") }
        #expect(complaints.isEmpty, "\(output.combinedText)")
    }
}
