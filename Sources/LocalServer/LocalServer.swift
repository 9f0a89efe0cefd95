import Foundation
import ImageEditModel
#if canImport(Glibc)
import Glibc
#endif

/// An OpenAI-compatible `POST /v1/images/edits` backed by `LocalEngine`: what `retouch serve`
/// runs, what the editor starts in-process when there is no API key, and what the tests talk to.
/// This module is the service itself, with no transport; `LocalServerHTTP` serves it over HTTP.
public struct LocalServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port.
    public var port: Int
    /// When set, requests must carry `Authorization: Bearer <key>`.
    public var apiKey: String?
    /// Added before each answer, to feel a slow network or model.
    public var latencyMilliseconds: Int
    /// Larger bodies get 413: sixteen 50 MB images plus the rest.
    public var maxBodyBytes: Int
    /// Applied to every request (tests may also send `X-Retouch-Fault`).
    public var fault: Fault?
    /// Time, connections, concurrent edits and memory given to clients.
    public var limits = ServerLimits()
    /// One line per request; never includes the key.
    public var log: @Sendable (String) -> Void

    public init(host: String = "127.0.0.1", port: Int = 8080, apiKey: String? = nil, latencyMilliseconds: Int = 0,
                maxBodyBytes: Int = ModelRules.maxInputImages * ImageRequirement.gptImageSource.maxBytes + 1024 * 1024, fault: Fault? = nil,
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.latencyMilliseconds = latencyMilliseconds
        self.maxBodyBytes = maxBodyBytes
        self.fault = fault
        self.log = log
    }

    /// Whether only this machine can reach the server: a loopback address (127.0.0.0/8, ::1)
    /// or `localhost`. Anything else, 0.0.0.0 above all, is open to the network.
    public var isLoopbackOnly: Bool {
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if name == "localhost" { return true }
        // The address as the system reads it: 127.1 and 0:0:0:0:0:0:0:1 are loopback too, and
        // so is an IPv4 loopback address mapped into IPv6 (::ffff:127.0.0.1).
        var v4 = in_addr()
        if inet_aton(name, &v4) != 0 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, name, &v6) == 1 else { return false }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        let mapped = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
        return bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1 || mapped && bytes[12] == 127
    }

    /// A server for this process alone (the editor's and `retouch edit --local`'s engine): on
    /// loopback, any free port, and a random key made for this launch, so no other user of the
    /// machine can use it.
    public static func privateToThisProcess() -> LocalServerConfiguration {
        LocalServerConfiguration(host: "127.0.0.1", port: 0, apiKey: "rt-" + randomHex(48))
    }
}

public enum LocalServer {
    /// Says what the engine made of the prompt, as `EditPlan.report` writes it:
    /// `local; understood: remove, warmer; ignored: boat`.
    public static let engineHeader = "X-Retouch-Engine"
}

/// Random lowercase hex digits, for request ids and result names.
func randomHex(_ count: Int) -> String {
    String((0..<count).map { _ in "0123456789abcdef".randomElement()! })
}
