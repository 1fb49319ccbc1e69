import Synchronization

/// A counter shared by parallel workers (progress reporting).
public final class AtomicCounter: Sendable {
    private let value = Atomic<Int>(0)

    public init() {}

    /// Adds one and returns the new value.
    public func increment() -> Int { value.wrappingAdd(1, ordering: .relaxed).newValue }
}
