/// The fixture store did not come out as the scenario says.
public struct FixtureError: Error, CustomStringConvertible {
    /// What is wrong.
    public let description: String

    /// Creates an error with a message.
    public init(_ description: String) { self.description = description }
}
