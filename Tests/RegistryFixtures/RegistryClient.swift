import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small client for the registry's HTTP API on 127.0.0.1: blobs, mounts, abandoned uploads,
/// manifests by tag or digest, deletes and tag lists. Every call checks the status it expects.
public final class RegistryClient: Sendable {
    /// A request that got an unexpected status.
    public struct UnexpectedStatus: Error, CustomStringConvertible {
        /// What was asked, e.g. `PUT /v2/a/manifests/t`.
        public let request: String
        /// The statuses that would have been fine.
        public let expected: [Int]
        /// What the registry answered.
        public let response: HTTPResponse

        public var description: String {
            "\(request): expected \(expected), got \(response.status): \(response.text.prefix(500))"
        }
    }

    /// `http://127.0.0.1:<port>`.
    public let baseURL: URL
    private let session: URLSession

    /// A client for the registry at `baseURL`.
    public init(baseURL: URL) {
        self.baseURL = baseURL
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 30
        configuration.httpMaximumConnectionsPerHost = 4
        session = URLSession(configuration: configuration)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// Sends one request; `path` is relative to the base URL unless it is absolute.
    public func send(
        _ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil
    ) async throws -> HTTPResponse {
        guard let url = URL(string: path, relativeTo: baseURL)?.absoluteURL else {
            throw URLError(.badURL)
        }
        var request = URLRequest(url: url)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body {
            request.httpBody = body
            request.setValue(String(body.count), forHTTPHeaderField: "Content-Length")
        } else if method == "PUT" || method == "POST" || method == "PATCH" {
            request.httpBody = Data()
            request.setValue("0", forHTTPHeaderField: "Content-Length")
        }
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { fields[key.lowercased()] = value }
        }
        return HTTPResponse(status: http.statusCode, headers: fields, body: data)
    }

    /// Sends a request and throws unless the status is one of `expecting`.
    @discardableResult
    public func expect(
        _ expecting: [Int], _ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil
    ) async throws -> HTTPResponse {
        let response = try await send(method, path, headers: headers, body: body)
        guard expecting.contains(response.status) else {
            throw UnexpectedStatus(request: "\(method) \(path)", expected: expecting, response: response)
        }
        return response
    }

    /// True once `GET /v2/` answers 200.
    public func isUp() async -> Bool {
        (try? await send("GET", "/v2/"))?.status == 200
    }

    /// Uploads `data` into `repository` (POST, then PUT with `?digest=`, since 2.8 ignores a
    /// one-shot POST body); returns the digest.
    @discardableResult
    public func pushBlob(_ data: Data, to repository: String) async throws -> String {
        let digest = ContentDigest.of(data)
        let started = try await expect([202], "POST", "/v2/\(repository)/blobs/uploads/")
        let location = try uploadLocation(started)
        let separator = location.contains("?") ? "&" : "?"
        let put = try await expect(
            [201], "PUT", location + separator + "digest=\(digest)",
            headers: ["Content-Type": "application/octet-stream"], body: data)
        if let answered = put.header("Docker-Content-Digest"), answered != digest {
            throw UnexpectedStatus(request: "PUT blob \(digest) answered digest \(answered)", expected: [201], response: put)
        }
        return digest
    }

    /// Pushes each blob of `blobs` into `repository`.
    public func pushBlobs(_ blobs: [Blob], to repository: String) async throws {
        for blob in blobs { try await pushBlob(blob.data, to: repository) }
    }

    /// Mounts blob `digest` from `source` into `repository`; throws unless the registry mounted it (201).
    public func mountBlob(_ digest: String, from source: String, into repository: String) async throws {
        try await expect([201], "POST", "/v2/\(repository)/blobs/uploads/?mount=\(digest)&from=\(source)")
    }

    /// Starts an upload and abandons it after optionally sending `bytes` with one PATCH; returns
    /// the upload's UUID (its directory name under `_uploads/`).
    public func abandonUpload(in repository: String, sending bytes: Data? = nil) async throws -> String {
        let started = try await expect([202], "POST", "/v2/\(repository)/blobs/uploads/")
        guard let uuid = started.header("Docker-Upload-UUID") else {
            throw UnexpectedStatus(request: "POST upload (no Docker-Upload-UUID)", expected: [202], response: started)
        }
        if let bytes {
            let location = try uploadLocation(started)
            try await expect(
                [202], "PATCH", location,
                headers: ["Content-Type": "application/octet-stream", "Content-Range": "0-\(bytes.count - 1)"], body: bytes)
        }
        return uuid
    }

    /// Pushes a manifest's blobs (or, for an index, its children by digest, recursively), then
    /// the manifest itself under `reference` (a tag, or nil to push by digest). Returns the digest
    /// the registry answered, which is checked against the built one.
    /// Blobs whose digest is in `skipping` are assumed present already (e.g. mounted).
    @discardableResult
    public func push(
        _ manifest: BuiltManifest, to repository: String, tag: String?, skipping: Set<String> = []
    ) async throws -> String {
        for child in manifest.children { try await push(child, to: repository, tag: nil, skipping: skipping) }
        try await pushBlobs(manifest.blobs.filter { !skipping.contains($0.digest) }, to: repository)
        return try await putManifest(manifest, to: repository, reference: tag ?? manifest.digest)
    }

    /// PUTs only the manifest bytes under `reference` (tag or digest), with its media type.
    @discardableResult
    public func putManifest(_ manifest: BuiltManifest, to repository: String, reference: String) async throws -> String {
        let response = try await expect(
            [201], "PUT", "/v2/\(repository)/manifests/\(reference)",
            headers: ["Content-Type": manifest.mediaType], body: manifest.bytes)
        let answered = response.header("Docker-Content-Digest") ?? ""
        guard answered == manifest.digest else {
            throw UnexpectedStatus(
                request: "PUT manifest \(repository):\(reference) answered digest '\(answered)', built \(manifest.digest)",
                expected: [201], response: response)
        }
        return answered
    }

    /// Deletes a manifest by digest (the only form 2.8 accepts).
    public func deleteManifest(_ digest: String, in repository: String) async throws {
        try await expect([202], "DELETE", "/v2/\(repository)/manifests/\(digest)")
    }

    /// HEAD of a manifest by tag or digest, accepting every manifest type.
    public func headManifest(_ reference: String, in repository: String) async throws -> HTTPResponse {
        try await send("HEAD", "/v2/\(repository)/manifests/\(reference)", headers: acceptAll)
    }

    /// GET of a manifest by tag or digest, accepting every manifest type.
    public func getManifest(_ reference: String, in repository: String) async throws -> HTTPResponse {
        try await send("GET", "/v2/\(repository)/manifests/\(reference)", headers: acceptAll)
    }

    /// GET of a blob by digest.
    public func getBlob(_ digest: String, in repository: String) async throws -> HTTPResponse {
        try await send("GET", "/v2/\(repository)/blobs/\(digest)")
    }

    /// The repository's tags (empty if the registry knows none).
    public func tags(of repository: String) async throws -> [String] {
        let response = try await send("GET", "/v2/\(repository)/tags/list")
        guard response.status == 200 else { return [] }
        struct TagList: Decodable { var tags: [String]? }
        return try JSONDecoder().decode(TagList.self, from: response.body).tags ?? []
    }

    /// The repositories the registry lists in its catalog.
    public func catalog() async throws -> [String] {
        let response = try await expect([200], "GET", "/v2/_catalog?n=1000")
        struct Catalog: Decodable { var repositories: [String] }
        return try JSONDecoder().decode(Catalog.self, from: response.body).repositories
    }

    private var acceptAll: [String: String] { ["Accept": MediaType.allManifests.joined(separator: ", ")] }

    private func uploadLocation(_ response: HTTPResponse) throws -> String {
        guard let location = response.header("Location") else {
            throw UnexpectedStatus(request: "upload without Location", expected: [202], response: response)
        }
        return location
    }
}
