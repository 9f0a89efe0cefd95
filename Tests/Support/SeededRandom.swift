import Foundation

/// The one source of random values in the tests: seeded, so a failing case reproduces.
///
/// `next(below:)` is a 64-bit LCG's high bits (the sequence the image tests were written
/// with); `next()` passes the same state through SplitMix64's finaliser, for the standard
/// library's `random(in:using:)`. Put `description` ("seed N") in an expectation's message so a
/// failure names its seed; `RETOUCH_TEST_SEED` replaces the seed of generators made with
/// `SeededRandom(default:)`, to explore other sequences.
public struct SeededRandom: RandomNumberGenerator, CustomStringConvertible, Sendable {
    public let seed: UInt64
    private var state: UInt64

    public init(seed: UInt64) {
        self.seed = seed
        state = seed
    }

    /// `seed`, unless `RETOUCH_TEST_SEED` names another.
    public init(default seed: UInt64) {
        let chosen = ProcessInfo.processInfo.environment["RETOUCH_TEST_SEED"].flatMap { UInt64($0) }
        self.init(seed: chosen ?? seed)
    }

    private mutating func step() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state
    }

    /// 0 ..< `bound`.
    public mutating func next(below bound: Int) -> Int {
        precondition(bound > 0)
        return Int((step() >> 33) % UInt64(bound))
    }

    public mutating func next() -> UInt64 {
        var z = step()
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public var description: String { "seed \(seed)" }
}
