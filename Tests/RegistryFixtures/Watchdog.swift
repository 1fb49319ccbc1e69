import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Kills a child process that outlives its time limit; remembers whether it had to.
final class Watchdog: Sendable {
    private struct State {
        var task: Task<Void, Never>?
        var fired = false
    }

    private let state = Mutex(State())

    /// Starts the timer for `process`.
    func arm(process: Process, seconds: Double) {
        let task = Task {
            try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
            guard !Task.isCancelled, process.isRunning else { return }
            self.state.withLock { $0.fired = true }
            process.terminate()
            try? await Task.sleep(nanoseconds: 2_000_000_000)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        state.withLock { $0.task = task }
    }

    /// Stops the timer; returns true if it had already fired.
    func disarm() -> Bool {
        state.withLock { state in
            state.task?.cancel()
            return state.fired
        }
    }
}
