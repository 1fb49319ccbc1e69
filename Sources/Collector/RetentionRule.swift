import FoundationEssentials
@preconcurrency import Glibc
import RegistryStore

/// One tag-retention rule for the repositories matching a glob.
///
/// Tags matching a `keepTags` pattern are always kept. Of the other tags that match `match`
/// (all when nil), the `keepLast` most recently pushed and those pushed within `keepWithin`
/// are kept; the rest are removed. Push time is the mtime of the tag's `current/link`.
public struct RetentionRule: Sendable, Equatable, Codable {
    /// Repository glob (`fnmatch`, `*` also matches `/`), e.g. `ci/*`; default every repository.
    public var repository: String
    public var keepLast: Int?
    /// A duration such as `30d`.
    public var keepWithin: String?
    /// Regular expressions of tags never removed, e.g. `^v\d+`, `^latest$`.
    public var keepTags: [String]
    /// A regular expression: only matching tags are candidates for removal.
    public var match: String?

    public init(repository: String = "*", keepLast: Int? = nil, keepWithin: String? = nil, keepTags: [String] = [], match: String? = nil) {
        self.repository = repository
        self.keepLast = keepLast
        self.keepWithin = keepWithin
        self.keepTags = keepTags
        self.match = match
    }

    enum CodingKeys: String, CodingKey { case repository, keepLast, keepWithin, keepTags, match }

    public init(from decoder: Decoder) throws {
        let known = try decoder.container(keyedBy: AnyKey.self)
        let names = Set(["repository", "keepLast", "keepWithin", "keepTags", "match"])
        if let unknown = known.allKeys.first(where: { !names.contains($0.stringValue) }) {
            throw DecodingError.dataCorruptedError(forKey: unknown, in: known,
                debugDescription: "unknown rule key '\(unknown.stringValue)' (known: \(names.sorted().joined(separator: ", ")))")
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        repository = try c.decodeIfPresent(String.self, forKey: .repository) ?? "*"
        keepLast = try c.decodeIfPresent(Int.self, forKey: .keepLast)
        keepWithin = try c.decodeIfPresent(String.self, forKey: .keepWithin)
        keepTags = try c.decodeIfPresent([String].self, forKey: .keepTags) ?? []
        match = try c.decodeIfPresent(String.self, forKey: .match)
    }

    /// Why a rule cannot be used.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case noKeep(String)
        case badDuration(String)
        case badPattern(String, String)
        case badCount(Int)

        public var description: String {
            switch self {
            case .noKeep(let glob):
                return "rule for '\(glob)' would remove every tag: give --keep-last N (N ≥ 1) and/or --keep-within DURATION, "
                    + "or narrow the candidates with --match/--keep-tag"
            case .badDuration(let text): return "'\(text)' is not a duration (e.g. 30d, 12h)"
            case .badPattern(let pattern, let why): return "'\(pattern)' is not a regular expression: \(why)"
            case .badCount(let n): return "keep-last must be 0 or more, got \(n)"
            }
        }
    }

    /// Checks the rule: it must keep something, and its durations and patterns must parse.
    public func validate() throws(Problem) {
        if let keepWithin, DurationText.parse(keepWithin) == nil { throw .badDuration(keepWithin) }
        if keepLast == nil && keepWithin == nil { throw .noKeep(repository) }
        // Without --match or --keep-tag every tag is a candidate: the rule must keep at least one.
        let keepsByCount = (keepLast ?? 0) > 0
        let keepsByAge = keepWithin.flatMap(DurationText.parse).map { $0 > 0 } ?? false
        if match == nil && keepTags.isEmpty && !keepsByCount && !keepsByAge { throw .noKeep(repository) }
        if let keepLast, keepLast < 0 { throw .badCount(keepLast) }
        if let keepWithin, DurationText.parse(keepWithin) == nil { throw .badDuration(keepWithin) }
        for pattern in keepTags + (match.map { [$0] } ?? []) {
            do { _ = try Regex(pattern) } catch { throw .badPattern(pattern, "\(error)") }
        }
    }

    /// Whether the rule applies to a repository.
    public func applies(to repository: String) -> Bool {
        fnmatch(self.repository, repository, 0) == 0
    }

    /// The tags of one repository this rule removes, given each tag's push time (ns since the epoch).
    public func tagsToRemove(_ tags: [(name: String, pushed: Int64)], now: Int64) throws -> [String] {
        let keepers = try keepTags.map { try Regex($0) }
        let matcher = try match.map { try Regex($0) }
        var candidates = tags.filter { tag in
            !keepers.contains { tag.name.firstMatch(of: $0) != nil } && (matcher.map { tag.name.firstMatch(of: $0) != nil } ?? true)
        }
        candidates.sort { ($0.pushed, $0.name) > ($1.pushed, $1.name) }  // newest first
        let within = keepWithin.flatMap(DurationText.parse)
        var removed: [String] = []
        for (index, tag) in candidates.enumerated() {
            if let keepLast, index < keepLast { continue }
            if let within, tag.pushed > now - within { continue }
            removed.append(tag.name)
        }
        return removed.sorted()
    }
}

/// Any JSON key, to find misspelt ones.
struct AnyKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Several rules, read from a policy file: `{"rules": [{"repository": "ci/*", "keepLast": 10, ...}]}`.
/// A repository is governed by the first rule whose glob matches it; others are left alone.
public struct RetentionPolicy: Sendable, Equatable, Codable {
    public var rules: [RetentionRule]

    public init(rules: [RetentionRule]) { self.rules = rules }

    enum CodingKeys: String, CodingKey { case rules }

    public init(from decoder: Decoder) throws {
        let known = try decoder.container(keyedBy: AnyKey.self)
        if let unknown = known.allKeys.first(where: { $0.stringValue != "rules" }) {
            throw DecodingError.dataCorruptedError(forKey: unknown, in: known, debugDescription: "unknown key '\(unknown.stringValue)' (expected only 'rules')")
        }
        rules = try decoder.container(keyedBy: CodingKeys.self).decode([RetentionRule].self, forKey: .rules)
    }

    /// Parses a policy file's JSON.
    public static func decode(_ bytes: [UInt8]) throws -> RetentionPolicy {
        try JSONDecoder().decode(RetentionPolicy.self, from: Data(bytes))
    }

    /// The rule governing a repository.
    public func rule(for repository: String) -> RetentionRule? { rules.first { $0.applies(to: repository) } }
}
