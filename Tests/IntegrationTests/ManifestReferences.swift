import Foundation

/// Reads the digests a manifest JSON refers to, independently of the code under test.
enum ManifestReferences {
    /// config, layers, index children, subject (and schema1 `fsLayers[].blobSum`); nil if the
    /// bytes are not a JSON object.
    static func digests(in json: Data) -> [String]? {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else { return nil }
        var result: [String] = []
        func descriptorDigest(_ value: Any?) {
            if let descriptor = value as? [String: Any], let digest = descriptor["digest"] as? String { result.append(digest) }
        }
        descriptorDigest(object["config"])
        descriptorDigest(object["subject"])
        for key in ["layers", "manifests"] {
            for item in object[key] as? [Any] ?? [] { descriptorDigest(item) }
        }
        for item in object["fsLayers"] as? [[String: Any]] ?? [] {
            if let digest = item["blobSum"] as? String { result.append(digest) }
        }
        return result
    }
}
