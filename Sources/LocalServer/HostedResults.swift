import Foundation

/// Images kept for `response_format=url` answers: in memory, for an hour, at most `maxCount`
/// of them and `maxBytes` in all (the oldest go first).
final class HostedResults: Sendable {
    struct Hosted: Sendable {
        var bytes: [UInt8]
        var contentType: String
        var expires: ContinuousClock.Instant
        /// Presented as `?token=` instead of the key.
        var token: String
    }

    private struct Store {
        var byName: [String: Hosted] = [:]
        /// Names, oldest first.
        var order: [String] = []
        var bytes = 0

        mutating func remove(_ name: String) {
            if let gone = byName.removeValue(forKey: name) { bytes -= gone.bytes.count }
            order.removeAll { $0 == name }
        }
    }

    private let store = Locked(Store())
    let maxCount: Int
    let maxBytes: Int

    init(maxCount: Int, maxBytes: Int) {
        self.maxCount = maxCount
        self.maxBytes = maxBytes
    }

    /// Keeps `bytes` and returns the path to fetch them by, pre-signed.
    func add(_ bytes: [UInt8], format: String) -> String {
        let name = randomHex(24) + "." + (format == "jpeg" ? "jpg" : format)
        let token = randomHex(32)
        let now = ContinuousClock.now
        store.withLock { store in
            for expired in store.order where store.byName[expired].map({ $0.expires <= now }) ?? true { store.remove(expired) }
            while let oldest = store.order.first, store.order.count >= maxCount || store.bytes + bytes.count > maxBytes {
                store.remove(oldest)
            }
            store.byName[name] = Hosted(bytes: bytes, contentType: "image/\(format)", expires: now + .seconds(3600), token: token)
            store.order.append(name)
            store.bytes += bytes.count
        }
        return "/v1/results/\(name)?token=\(token)"
    }

    func take(_ name: String) -> Hosted? {
        store.withLock { store in
            guard let hosted = store.byName[name], hosted.expires > ContinuousClock.now else { return nil }
            return hosted
        }
    }

    var count: Int { store.withLock { $0.order.count } }
}
