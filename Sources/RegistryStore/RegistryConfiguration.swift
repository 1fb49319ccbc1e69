/// The parts of a registry `config.yml` this tool needs, with `REGISTRY_*` environment overrides.
///
/// Reads the block-style YAML subset registry configs use (nested maps, scalars, comments);
/// lists and flow collections are skipped.
public struct RegistryConfiguration: Sendable, Equatable {
    /// Every scalar in the file, by dotted lower-case path (`storage.filesystem.rootdirectory`).
    public let values: [String: String]

    /// Parses the text of a config file and applies `REGISTRY_*` overrides from `environment`.
    public init(yaml: String, environment: [String: String] = [:]) {
        var values: [String: String] = [:]
        var stack: [(indent: Int, key: String)] = []
        for rawLine in yaml.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = Self.stripComment(String(rawLine))
            guard !line.allSatisfy({ $0 == " " || $0 == "\t" }) else { continue }
            let indent = line.prefix { $0 == " " }.count
            let body = line.dropFirst(indent)
            if body.hasPrefix("-") { continue }
            guard let colon = body.firstIndex(of: ":") else { continue }
            let key = body[..<colon].trimmingSpaces().lowercased()
            let value = Self.unquote(body[body.index(after: colon)...].trimmingSpaces())
            while let last = stack.last, last.indent >= indent { stack.removeLast() }
            let path = (stack.map(\.key) + [key]).joined(separator: ".")
            if value.isEmpty {
                stack.append((indent, key))
            } else {
                values[path] = value
            }
        }
        for (name, value) in environment where name.hasPrefix("REGISTRY_") {
            let path = name.dropFirst("REGISTRY_".count).lowercased().replacingUnderscores()
            values[path] = value
        }
        self.values = values
    }

    /// `storage.filesystem.rootdirectory`, default `/var/lib/registry` when the filesystem driver is used.
    public var filesystemRoot: String? {
        if let root = values["storage.filesystem.rootdirectory"] { return root }
        let usesOtherDriver = values.keys.contains { key in
            ["s3", "azure", "gcs", "swift", "oss", "inmemory"].contains { key.hasPrefix("storage.\($0)") }
        }
        return usesOtherDriver ? nil : "/var/lib/registry"
    }

    /// The blob-descriptor cache (`inmemory` or `redis`), if enabled: then the registry must be
    /// restarted after a sweep or it keeps answering for deleted blobs.
    public var blobDescriptorCache: String? {
        values["storage.cache.blobdescriptor"].flatMap { $0.isEmpty ? nil : $0 }
    }

    private static func stripComment(_ line: String) -> String {
        var inSingle = false, inDouble = false
        var previous: Character = " "
        for (offset, c) in line.enumerated() {
            if c == "'" && !inDouble { inSingle.toggle() }
            if c == "\"" && !inSingle { inDouble.toggle() }
            if c == "#" && !inSingle && !inDouble && (previous == " " || previous == "\t" || offset == 0) {
                return String(line.prefix(offset))
            }
            previous = c
        }
        return line
    }

    private static func unquote(_ text: String) -> String {
        if text.count >= 2, let f = text.first, let l = text.last, f == l, f == "\"" || f == "'" {
            return String(text.dropFirst().dropLast())
        }
        return text
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String { String(self).trimmingSpaces() }
}

extension String {
    /// `STORAGE_FILESYSTEM_ROOTDIRECTORY` → `storage.filesystem.rootdirectory`.
    fileprivate func replacingUnderscores() -> String {
        String(map { $0 == "_" ? "." : $0 })
    }
}
