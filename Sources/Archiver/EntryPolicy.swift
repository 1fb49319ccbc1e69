/// The rules an archive entry must pass before anything is written for it.
enum EntryPolicy {
    /// Throws unless `path` is relative, has no empty, `.` or `..` components, and starts with one of `roots`.
    static func checkPath(_ path: String, roots: Set<String>) throws(BackupError) {
        if path.hasPrefix("/") { throw .unsafeEntry(path: path, reason: "absolute path") }
        if path.utf8.contains(0) { throw .unsafeEntry(path: path, reason: "NUL byte in the path") }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        for component in components where component.isEmpty || component == "." || component == ".." {
            throw .unsafeEntry(path: path, reason: component == ".." ? "'..' climbs out of the target" : "empty or '.' path component")
        }
        guard let first = components.first, roots.contains(String(first)) else {
            throw .unsafeEntry(path: path, reason: "not under a backed-up source name (\(roots.sorted().joined(separator: ", ")))")
        }
    }

    /// Throws unless a symlink at `path` pointing at `target` stays inside its source root.
    static func checkSymlink(_ path: String, target: String) throws(BackupError) {
        if target.isEmpty { throw .unsafeEntry(path: path, reason: "empty symlink target") }
        if target.hasPrefix("/") { throw .unsafeEntry(path: path, reason: "symlink to an absolute path (\(target)) points outside the target") }
        // Depth below the source root of the link's directory, then walk the target lexically.
        var depth = path.split(separator: "/").count - 2
        for component in target.split(separator: "/", omittingEmptySubsequences: true) {
            if component == ".." { depth -= 1 } else if component != "." { depth += 1 }
            if depth < 0 { throw .unsafeEntry(path: path, reason: "symlink target \(target) points outside the target") }
        }
    }
}
