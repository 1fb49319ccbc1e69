import FoundationEssentials

/// Decodes manifest JSON in any format the registry stores.
public enum ManifestParser {
    /// Why manifest bytes could not be understood.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case notJSON(String)
        case unknownFormat(String)
        case badDigest(String)

        public var description: String {
            switch self {
            case .notJSON(let why): return "manifest is not valid JSON (\(why))"
            case .unknownFormat(let why): return "not a manifest the registry stores (\(why))"
            case .badDigest(let value): return "manifest references an unsupported or malformed digest '\(value)'"
            }
        }
    }

    private struct RawDescriptor: Decodable {
        let mediaType: String?
        let digest: String
        let size: Int64?
        let urls: [String]?
    }

    private struct RawLayerSum: Decodable {
        let blobSum: String
    }

    private struct RawManifest: Decodable {
        let schemaVersion: Int?
        let mediaType: String?
        let artifactType: String?
        let config: RawDescriptor?
        let layers: [RawDescriptor]?
        let manifests: [RawDescriptor]?
        let subject: RawDescriptor?
        let blobs: [RawDescriptor]?
        let fsLayers: [RawLayerSum]?
    }

    /// Parses a manifest's bytes.
    public static func parse(_ bytes: [UInt8]) -> Result<Manifest, Failure> {
        let raw: RawManifest
        do {
            raw = try JSONDecoder().decode(RawManifest.self, from: Data(bytes))
        } catch let error as DecodingError {
            return .failure(.notJSON(describe(error)))
        } catch {
            return .failure(.notJSON("\(error)"))
        }
        do {
            return .success(try build(raw))
        } catch {
            return .failure(error)
        }
    }

    private static func build(_ raw: RawManifest) throws(Failure) -> Manifest {
        if raw.schemaVersion == 1 {
            guard let sums = raw.fsLayers else { throw .unknownFormat("schemaVersion 1 without fsLayers") }
            var layers: [Descriptor] = []
            for sum in sums {
                guard let digest = Digest(string: sum.blobSum) else { throw .badDigest(sum.blobSum) }
                layers.append(Descriptor(mediaType: nil, digest: digest, size: nil))
            }
            let type = raw.mediaType ?? MediaType.dockerSchema1Signed
            return Manifest(kind: .dockerSchema1, mediaType: type, config: nil, layers: layers, children: [], subject: nil)
        }
        guard raw.schemaVersion == 2 else {
            throw .unknownFormat(raw.schemaVersion.map { "schemaVersion \($0)" } ?? "no schemaVersion")
        }
        let kind: Manifest.Kind
        switch raw.mediaType {
        case MediaType.dockerSchema2?: kind = .dockerSchema2
        case MediaType.dockerManifestList?: kind = .dockerManifestList
        case MediaType.ociManifest?: kind = .ociManifest
        case MediaType.ociIndex?: kind = .ociIndex
        case nil:
            if raw.manifests != nil { kind = .ociIndex }
            else if raw.config != nil { kind = .ociManifest }
            else { throw .unknownFormat("no mediaType and neither config nor manifests") }
        case let other?:
            throw .unknownFormat("mediaType \(other)")
        }
        let isIndex = kind == .ociIndex || kind == .dockerManifestList
        if isIndex, raw.manifests == nil { throw .unknownFormat("\(kind.rawValue) without manifests") }
        if !isIndex, raw.config == nil { throw .unknownFormat("\(kind.rawValue) without config") }
        return Manifest(
            kind: kind,
            mediaType: raw.mediaType,
            artifactType: raw.artifactType,
            config: try raw.config.map(descriptor),
            layers: try (raw.layers ?? []).map(descriptor) + (raw.blobs ?? []).map(descriptor),
            children: try (raw.manifests ?? []).map(descriptor),
            subject: try raw.subject.map(descriptor))
    }

    private static func descriptor(_ raw: RawDescriptor) throws(Failure) -> Descriptor {
        guard let digest = Digest(string: raw.digest) else { throw .badDigest(raw.digest) }
        return Descriptor(mediaType: raw.mediaType, digest: digest, size: raw.size, urls: raw.urls ?? [])
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context): return context.debugDescription
        case .keyNotFound(let key, _): return "missing \(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "wrong type at \(path.isEmpty ? "top level" : path)"
        @unknown default: return "\(error)"
        }
    }
}
