import RegistryStore

/// A command line split into options and positionals, consumed by the command that owns it.
struct Arguments {
    /// A usage mistake; printed with a hint and exit status 2.
    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    private var items: [String]

    init(_ items: some Sequence<String>) { self.items = Array(items) }

    /// Removes `--name` (or any alias) and reports whether it was there.
    mutating func flag(_ names: String...) -> Bool {
        var found = false
        items.removeAll { item in
            let hit = names.contains(item)
            found = found || hit
            return hit
        }
        return found
    }

    /// Removes `--name VALUE` or `--name=VALUE` and returns the last value given.
    mutating func option(_ names: String...) throws(UsageError) -> String? {
        var value: String?
        var index = 0
        while index < items.count {
            let item = items[index]
            if names.contains(item) {
                guard index + 1 < items.count else { throw UsageError(description: "\(item) needs a value") }
                value = items[index + 1]
                items.removeSubrange(index...(index + 1))
            } else if let name = names.first(where: { item.hasPrefix($0 + "=") }) {
                value = String(item.dropFirst(name.count + 1))
                items.remove(at: index)
            } else {
                index += 1
            }
        }
        return value
    }

    /// Removes every `--name VALUE` / `--name=VALUE` and returns all values in order (repeatable options).
    mutating func options(_ names: String...) throws(UsageError) -> [String] {
        var values: [String] = []
        var index = 0
        while index < items.count {
            let item = items[index]
            if names.contains(item) {
                guard index + 1 < items.count else { throw UsageError(description: "\(item) needs a value") }
                values.append(items[index + 1])
                items.removeSubrange(index...(index + 1))
            } else if let name = names.first(where: { item.hasPrefix($0 + "=") }) {
                values.append(String(item.dropFirst(name.count + 1)))
                items.remove(at: index)
            } else {
                index += 1
            }
        }
        return values
    }

    /// What is left once options are taken: positionals. An unknown `-x` is a usage error.
    mutating func positionals() throws(UsageError) -> [String] {
        var result: [String] = []
        var afterDashes = false
        for item in items {
            if afterDashes { result.append(item); continue }
            if item == "--" { afterDashes = true; continue }
            if item.hasPrefix("-") && item.count > 1 {
                throw UsageError(description: "unknown option \(item)")
            }
            result.append(item)
        }
        items = []
        return result
    }

    /// `--jobs N` / `-j N`: a worker count from 1 to 256.
    mutating func jobs() throws(UsageError) -> Int? {
        guard let text = try option("--jobs", "-j") else { return nil }
        guard let value = Int(text), (1...256).contains(value) else {
            throw UsageError(description: "--jobs: '\(text)' is not a number from 1 to 256")
        }
        return value
    }

    /// A duration option (`0`, `90s`, `30m`, `12h`, `7d`) in nanoseconds.
    mutating func duration(_ name: String) throws(UsageError) -> Int64? {
        guard let text = try option(name) else { return nil }
        guard let value = DurationText.parse(text) else {
            throw UsageError(description: "\(name): '\(text)' is not a duration (e.g. 0, 90s, 30m, 12h, 7d)")
        }
        return value
    }
}
