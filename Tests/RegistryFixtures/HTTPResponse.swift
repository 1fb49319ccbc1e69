import Foundation

/// One answer from the registry: status, headers (keys lowercased) and body.
public struct HTTPResponse: Sendable {
    /// The HTTP status code.
    public let status: Int
    /// Response headers, keys lowercased.
    public let headers: [String: String]
    /// The body (empty for HEAD).
    public let body: Data

    /// Creates a response record.
    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A header by case-insensitive name.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body as text, for error messages.
    public var text: String { String(decoding: body, as: UTF8.self) }
}
