import Foundation

/// Seconds on a clock that only goes forward (Foundation's system uptime: CLOCK_MONOTONIC),
/// for deadlines and the editor's ticks.
public enum Monotonic {
    public static func seconds() -> Double { ProcessInfo.processInfo.systemUptime }
}
