import Dispatch
import Synchronization

/// Data-parallel helpers over Dispatch whose shared state is `Sendable` by construction.
public enum Parallel {
    /// Applies `transform` to every item on up to `jobs` threads and returns the results in order.
    ///
    /// Workers claim small chunks from an atomic counter (so uneven items balance out), keep their
    /// results locally, and hand them over once through a mutex.
    public static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], jobs: Int, _ transform: @Sendable (Item) -> Result
    ) -> [Result] {
        if items.isEmpty { return [] }
        let workers = max(1, min(jobs, items.count))
        if workers == 1 { return items.map(transform) }
        let chunk = max(1, min(256, items.count / (workers * 8)))
        let next = Atomic<Int>(0)
        let collected = Mutex<[(Int, [Result])]>([])
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var local: [(Int, [Result])] = []
            while true {
                let start = next.wrappingAdd(chunk, ordering: .relaxed).oldValue
                if start >= items.count { break }
                let end = min(start + chunk, items.count)
                local.append((start, items[start..<end].map(transform)))
            }
            collected.withLock { $0.append(contentsOf: local) }
        }
        let pieces = collected.withLock { $0 }.sorted { $0.0 < $1.0 }
        return pieces.flatMap(\.1)
    }
}
