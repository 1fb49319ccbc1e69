import Foundation
import RegistryFixtures

/// One finished `regkeeper` invocation.
struct GCRun: CustomStringConvertible {
    /// The report on stdout is not the promised single JSON object.
    struct BadReport: Error, CustomStringConvertible {
        let run: GCRun
        let underlying: any Error
        var description: String { "could not decode the --json report: \(underlying)\n\(run)" }
    }

    /// The arguments after the binary.
    let arguments: [String]
    /// Status and output.
    let output: ProcessOutput

    /// The exit status (negative-free: a signal shows as 128+n).
    var status: Int32 { output.terminatedBySignal ? 128 + output.status : output.status }

    /// Decodes stdout as the `--json` report.
    func report() throws -> GCReport {
        do {
            return try JSONDecoder().decode(GCReport.self, from: output.stdout)
        } catch {
            throw BadReport(run: self, underlying: error)
        }
    }

    var description: String {
        "regkeeper \(arguments.joined(separator: " ")) -> \(output.exitDescription)\n"
            + "stdout: \(output.stdoutText.prefix(4000))\nstderr: \(output.stderrText.prefix(4000))"
    }
}
