import Foundation

/// Failures the local server can play on purpose, so clients' error paths can be exercised
/// against a real server. Off unless configured or asked for with `X-Retouch-Fault`.
public enum Fault: Equatable, Sendable {
    /// 429 with `Retry-After: 1`.
    case rateLimited
    /// 500 with an OpenAI-shaped server error.
    case serverError
    /// Close the connection after sending this many stream events (a streamed request only).
    case dropAfterEvents(Int)
    /// An `error` event after the first partial image, or in place of the image when none is
    /// asked for (a streamed request only).
    case errorEvent
    /// 200 with an HTML body instead of JSON.
    case nonJSON
    /// Answer nothing and keep the connection open.
    case stall

    /// `429`, `500`, `drop-after:K`, `error-event`, `non-json`, `stall`.
    public init?(_ text: String) {
        let value = text.trimmingCharacters(in: .whitespaces).lowercased()
        switch value {
        case "429": self = .rateLimited
        case "500": self = .serverError
        case "error-event": self = .errorEvent
        case "non-json": self = .nonJSON
        case "stall": self = .stall
        default:
            guard value.hasPrefix("drop-after:"), let count = Int(value.dropFirst("drop-after:".count)), count >= 0 else { return nil }
            self = .dropAfterEvents(count)
        }
    }

    public static let accepted = "429, 500, drop-after:K, error-event, non-json or stall"
}
