/// A helper command (skopeo, docker-registry) that exited unsuccessfully.
public struct CommandFailure: Error, CustomStringConvertible {
    /// The command line.
    public let command: String
    /// What it printed and how it ended.
    public let output: ProcessOutput

    /// Creates a failure record.
    public init(command: String, output: ProcessOutput) {
        self.command = command
        self.output = output
    }

    public var description: String {
        "\(command) failed (\(output.exitDescription)): \(output.combinedText.suffix(3000))"
    }
}
