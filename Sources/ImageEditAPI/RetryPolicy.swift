import Foundation

/// When to try again and how long to wait, as OpenAI's SDKs do.
public struct RetryPolicy: Sendable {
    public var maxRetries: Int

    public init(maxRetries: Int) { self.maxRetries = maxRetries }

    /// Whether an HTTP answer is worth another attempt. `x-should-retry` overrides the status.
    public static func shouldRetry(status: Int, headers: [(String, String)]) -> Bool {
        if let header = value("x-should-retry", in: headers) {
            if header == "true" { return true }
            if header == "false" { return false }
        }
        return status == 408 || status == 409 || status == 429 || status >= 500
    }

    /// Seconds to wait before retry number `retry` (0 for the first retry). `retry-after-ms` or
    /// `retry-after` (seconds or an HTTP date) is honoured when between 0 and 120 seconds;
    /// otherwise min(0.5 * 2^retry, 8) seconds less up to 25 % jitter.
    public static func delay(retry: Int, headers: [(String, String)], now: Double, jitter: Double) -> Double {
        if let suggested = suggestedDelay(headers: headers, now: now), suggested >= 0, suggested <= 120 {
            return suggested
        }
        let base = min(0.5 * Double(1 << min(retry, 10)), 8)
        return base * (1 - 0.25 * max(0, min(1, jitter)))
    }

    static func suggestedDelay(headers: [(String, String)], now: Double) -> Double? {
        if let ms = value("retry-after-ms", in: headers), let milliseconds = Double(ms) { return milliseconds / 1000 }
        guard let after = value("retry-after", in: headers) else { return nil }
        if let seconds = Double(after) { return seconds }
        return HTTPDate.parse(after).map { $0 - now }
    }

    static func value(_ name: String, in headers: [(String, String)]) -> String? {
        headers.first { $0.0.lowercased() == name }?.1.trimmingCharacters(in: .whitespaces)
    }
}

/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form HTTP uses, to seconds since 1970.
enum HTTPDate {
    static func parse(_ text: String) -> Double? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text)?.timeIntervalSince1970
    }
}
