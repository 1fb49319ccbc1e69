/// How two sets differ, in one line a failing test can show: what is extra, what is missing.
public enum SetDifference {
    /// `nil` when the sets are equal; otherwise counts and (at most 12 of) the differing items.
    public static func describe<T: Hashable & Comparable>(_ actual: Set<T>, _ expected: Set<T>, _ what: String) -> String? {
        guard actual != expected else { return nil }
        func list(_ items: Set<T>) -> String {
            let sorted = items.sorted().map { "\($0)" }
            return sorted.count > 12 ? sorted.prefix(12).joined(separator: ", ") + ", ... (\(sorted.count))" : sorted.joined(separator: ", ")
        }
        return "\(what): \(actual.count) vs \(expected.count) expected; unexpected [\(list(actual.subtracting(expected)))]; "
            + "missing [\(list(expected.subtracting(actual)))]"
    }
}
