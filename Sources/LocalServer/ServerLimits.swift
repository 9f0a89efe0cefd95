import Foundation
import HTTPTypes

/// What one server gives to the clients it cannot trust: time, connections, concurrent edits and
/// memory. Every figure is documented in the README.
public struct ServerLimits: Sendable {
    /// A request's head (request line and headers) must arrive within this.
    public var headerTimeout: Duration = .seconds(10)
    /// A request's body must arrive within this once its head has.
    public var bodyTimeout: Duration = .seconds(300)
    /// A connection with no request in flight is closed after this.
    public var idleTimeout: Duration = .seconds(60)
    public var maxConnections = 512
    /// Edits running at once; more get 429 with Retry-After.
    public var maxConcurrentEdits = 4
    /// Bodies and decoded images of all requests in flight; a request that would pass it gets
    /// 503 with Retry-After.
    public var memoryBudgetBytes = 2 << 30
    /// Results kept for `response_format=url`; the oldest go first.
    public var maxHostedResults = 64
    public var maxHostedBytes = 256 << 20

    public init() {}
}

/// A value that requests running at once share, behind a lock.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// Counts the edits in flight.
final class EditSlots: Sendable {
    private let inUse = Locked(0)
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func take() -> Bool {
        inUse.withLock { count in
            guard count < capacity else { return false }
            count += 1
            return true
        }
    }

    func give() { inUse.withLock { $0 -= 1 } }
}

/// Bytes that requests in flight hold: bodies as they arrive, decoded images before they are made.
final class MemoryBudget: Sendable {
    private let used = Locked(0)
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func reserve(_ bytes: Int) -> Bool {
        used.withLock { used in
            let (total, overflow) = used.addingReportingOverflow(bytes)
            guard !overflow, total <= capacity else { return false }
            used = total
            return true
        }
    }

    func release(_ bytes: Int) { used.withLock { $0 -= bytes } }

    var inUse: Int { used.withLock { $0 } }
}

/// What one request holds of the budget; given back when the request ends.
final class Reservation: Sendable {
    private let budget: MemoryBudget
    private let held = Locked(0)

    init(budget: MemoryBudget) { self.budget = budget }

    func add(_ bytes: Int) -> Bool {
        guard budget.reserve(bytes) else { return false }
        held.withLock { $0 += bytes }
        return true
    }

    func releaseAll() {
        let bytes = held.withLock { held in
            defer { held = 0 }
            return held
        }
        budget.release(bytes)
    }
}

/// An edit's slot and its share of the memory budget, given back when the last reference
/// to it goes: when the answer has been sent, or the connection dropped.
final class EditLease: Sendable {
    private let slots: EditSlots
    private let reservation: Reservation

    init?(slots: EditSlots, budget: MemoryBudget) {
        guard slots.take() else { return nil }
        self.slots = slots
        reservation = Reservation(budget: budget)
    }

    deinit {
        reservation.releaseAll()
        slots.give()
    }

    /// A lease of its own, for reading a request outside a server (tests and fuzzing).
    static func standalone() -> EditLease {
        EditLease(slots: EditSlots(capacity: 1), budget: MemoryBudget(capacity: .max))!
    }

    /// Takes `bytes` from the budget, or refuses the request with 503 and Retry-After.
    func reserve(_ bytes: Int, for what: String) throws {
        guard reservation.add(bytes) else {
            throw HTTPFailure(status: .serviceUnavailable,
                              message: "The local engine has no memory left for \(what) now; try again shortly.",
                              type: "server_error", code: "memory_budget_exceeded", headers: [(.retryAfter, "2")])
        }
    }
}

/// Compares a presented key with the expected one in time that depends only on their lengths.
func keysMatch(_ presented: Substring, _ expected: String) -> Bool {
    let a = Array(presented.utf8), b = Array(expected.utf8)
    var difference = UInt8(truncatingIfNeeded: a.count ^ b.count) | (a.count == b.count ? 0 : 1)
    for index in 0..<max(a.count, b.count) {
        difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
    }
    return difference == 0
}
