import Foundation
import ImageEditModel

/// How to reach the server: where, with which credentials, and how patiently.
public struct ClientConfiguration: Equatable, Sendable {
    public static let openAIBaseURL = "https://api.openai.com/v1"

    public var baseURL: String
    public var apiKey: String?
    public var organization: String?
    public var project: String?
    /// The whole request, streamed body included.
    public var timeout: Double
    public var connectTimeout: Double
    public var maxRetries: Int
    /// An HTTP CONNECT proxy, from HTTPS_PROXY unless NO_PROXY covers the host.
    public var proxy: Proxy?
    public var userAgent: String
    /// How much of an answer is read into memory.
    public var limits = ClientLimits()

    public struct Proxy: Equatable, Sendable {
        public var host: String
        public var port: Int
        public var authorization: String?
    }

    public init(baseURL: String = ClientConfiguration.openAIBaseURL, apiKey: String? = nil, organization: String? = nil,
                project: String? = nil, timeout: Double = 600, connectTimeout: Double = 5, maxRetries: Int = 2,
                proxy: Proxy? = nil) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.organization = organization
        self.project = project
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxRetries = maxRetries
        self.proxy = proxy
        self.userAgent = "retouch/\(RetouchVersion.string)"
    }

    /// True when the base URL is OpenAI's own server, which needs a key.
    public var isOpenAI: Bool { APIOrigin(baseURL)?.host == "api.openai.com" }

    /// Settings from, in order of precedence: the command line, the environment
    /// (OPENAI_BASE_URL, OPENAI_API_KEY, OPENAI_ORG_ID, OPENAI_PROJECT_ID, HTTPS_PROXY, NO_PROXY),
    /// the config file's `base_url`, and the defaults. A base URL no request could go to is
    /// refused here, naming where it was set, rather than met as a network error.
    public static func resolve(baseURLFlag: String?, environment: [String: String], configBaseURL: String?) throws(BaseURLError) -> ClientConfiguration {
        func value(_ name: String) -> String? {
            guard let v = environment[name] ?? environment[name.lowercased()], !v.isEmpty else { return nil }
            return v
        }
        let (given, source): (String, BaseURLError.Source) = baseURLFlag.map { ($0, .flag) } ?? value("OPENAI_BASE_URL").map { ($0, .environment) }
            ?? configBaseURL.map { ($0, .configFile) } ?? (openAIBaseURL, .builtIn)
        guard let origin = APIOrigin(given), origin.scheme == "http" || origin.scheme == "https", (1...65535).contains(origin.port) else {
            throw BaseURLError(url: given, source: source)
        }
        var base = given
        while base.hasSuffix("/") { base.removeLast() }
        var configuration = ClientConfiguration(baseURL: base, apiKey: value("OPENAI_API_KEY"),
                                                organization: value("OPENAI_ORG_ID"), project: value("OPENAI_PROJECT_ID"))
        if let proxyURL = value("HTTPS_PROXY"), !noProxy(value("NO_PROXY"), covers: APIOrigin(base)?.host ?? "") {
            configuration.proxy = parseProxy(proxyURL)
        }
        return configuration
    }

    /// NO_PROXY: comma-separated hosts or domain suffixes (".example.com" or "example.com"), or "*".
    static func noProxy(_ list: String?, covers host: String) -> Bool {
        guard let list else { return false }
        for raw in list.split(separator: ",") {
            var entry = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if entry == "*" { return true }
            if let colon = entry.lastIndex(of: ":"), !entry.contains("]") { entry = String(entry[..<colon]) }
            if entry.hasPrefix(".") { entry.removeFirst() }
            if host == entry || host.hasSuffix("." + entry) { return true }
        }
        return false
    }

    static func parseProxy(_ url: String) -> Proxy? {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var authorization: String?
        if let at = rest.lastIndex(of: "@") {
            authorization = String(rest[..<at])
            rest = rest[rest.index(after: at)...]
        }
        let parts = rest.split(separator: ":")
        guard let host = parts.first, !host.isEmpty else { return nil }
        let port = parts.count > 1 ? Int(parts[1]) ?? 8080 : 8080
        return Proxy(host: String(host), port: port, authorization: authorization)
    }
}

/// Bounds on what the client reads into memory from a server it may not trust. Over a limit
/// the edit ends with an error naming the limit; images that already arrived are kept.
public struct ClientLimits: Equatable, Sendable {
    /// One server-sent event (or one line of it): a 3840x2160 PNG in base64 fits.
    public var maxEventBytes = 64 << 20
    /// Everything an event stream may carry, partial images included.
    public var maxStreamBytes = 1 << 30
    /// A JSON answer, or one downloaded result image.
    public var maxJSONBytes = 512 << 20
    /// A compressed answer may inflate to at most this many times its size.
    public var maxInflationRatio = 20

    public init() {}
}

/// A base URL that is not an http:// or https:// URL with a host (and a port from 1 to
/// 65535), and where it was set.
public struct BaseURLError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Source: Equatable, Sendable {
        case flag, environment, configFile, builtIn
    }

    public var url: String
    public var source: Source

    public var description: String {
        let name = switch source {
        case .flag: "--base-url"
        case .environment: "OPENAI_BASE_URL"
        case .configFile: "base_url in config.toml"
        case .builtIn: "the default base URL"
        }
        let given = url.isEmpty ? "empty" : "\"\(URLRedaction.redact(url))\""
        return "\(name) is \(given): give an http:// or https:// URL with a host (and a port up to 65535), such as \(ClientConfiguration.openAIBaseURL)"
    }
}

/// Scheme, host and port of a URL, read with Foundation's `URL` as AsyncHTTPClient reads it, so
/// that what is compared is what the connection goes to.
public struct APIOrigin: Equatable, Sendable {
    public var scheme: String
    public var host: String
    public var port: Int

    public init?(_ url: String) {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
              let host = parsed.host?.lowercased(), !host.isEmpty else { return nil }
        self.scheme = scheme
        self.host = host
        port = parsed.port ?? (scheme == "https" ? 443 : 80)
    }
}
