import ImageEditModel

/// An error answer from the server: `{"error": {message, type, param, code}}` and the HTTP facts.
public struct APIError: Equatable, Sendable {
    public var status: Int
    public var message: String
    public var type: String?
    public var param: String?
    public var code: String?
    public var requestID: String?

    public init(status: Int, message: String, type: String? = nil, param: String? = nil, code: String? = nil,
                requestID: String? = nil) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.requestID = requestID
    }
}

public struct NetworkError: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case connect, timeout, tls, connectionLost = "connection lost", other
    }

    public var kind: Kind
    public var detail: String
    public var url: String
}

public struct ProtocolError: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case badJSON = "bad JSON"
        case badBase64 = "bad base64"
        case truncatedStream = "stream ended early"
        case unexpectedResponse = "unexpected response"
        case limitExceeded = "over a limit"
    }

    public var kind: Kind
    public var detail: String
    /// What arrived before things went wrong; the images were already handed to the caller.
    public var partialImagesReceived: Int = 0
    public var imagesReceived: Int = 0
}

/// An `error` event in the middle of an event stream: the server gave up after answering 200.
public struct StreamFailure: Equatable, Sendable {
    public var message: String
    public var type: String?
    public var param: String?
    public var code: String?
    public var requestID: String?
    /// What arrived before the error; the images were already handed to the caller.
    public var partialImagesReceived: Int
    public var imagesReceived: Int
}

/// Every way an edit can fail, each with a one-line message for people.
public enum ImageEditError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The request breaks the model's documented rules; nothing was sent.
    case preflight([Violation])
    /// An input file could not be read.
    case input(InputFileError)
    /// No API key for OpenAI's own server.
    case missingCredentials
    case api(APIError)
    case network(NetworkError)
    case protocolViolation(ProtocolError)
    case streamFailed(StreamFailure)
    case cancelled

    public var description: String {
        switch self {
        case .preflight(let violations):
            let list = violations.map(\.description).joined(separator: "; ")
            return violations.count == 1 ? "invalid request: \(list)" : "invalid request (\(violations.count) problems): \(list)"
        case .input(let error):
            return "cannot read \(error)"
        case .missingCredentials:
            return "no API key: set OPENAI_API_KEY to use OpenAI, or point --base-url (or OPENAI_BASE_URL) at a compatible server such as `retouch serve`"
        case .api(let error):
            var text = "the API refused the edit (HTTP \(error.status)): \(error.message)"
            let facts = [error.param.map { "param: \($0)" }, error.code.map { "code: \($0)" }].compactMap { $0 }
            if !facts.isEmpty { text += " (\(facts.joined(separator: ", ")))" }
            return text
        case .network(let error):
            switch error.kind {
            case .timeout: return "timed out talking to \(error.url): \(error.detail)"
            case .connect: return "cannot connect to \(error.url): \(error.detail)"
            case .tls: return "TLS failed with \(error.url): \(error.detail)"
            case .connectionLost: return "the connection to \(error.url) was lost: \(error.detail)"
            case .other: return "network error with \(error.url): \(error.detail)"
            }
        case .protocolViolation(let error):
            return "unexpected answer from the server (\(error.kind.rawValue)): \(error.detail)"
                + Self.received(images: error.imagesReceived, partials: error.partialImagesReceived)
        case .streamFailed(let error):
            var text = "the server reported an error during the stream: \(error.message)"
            let facts = [error.type.map { "type: \($0)" }, error.code.map { "code: \($0)" }].compactMap { $0 }
            if !facts.isEmpty { text += " (\(facts.joined(separator: ", ")))" }
            return text + Self.received(images: error.imagesReceived, partials: error.partialImagesReceived)
        case .cancelled:
            return "cancelled"
        }
    }

    /// "; received 1 image and 2 partial images before that", naming only what did arrive.
    static func received(images: Int, partials: Int) -> String {
        let parts = [(images, "image"), (partials, "partial image")].filter { $0.0 > 0 }.map { "\($0.0) \($0.1)\($0.0 == 1 ? "" : "s")" }
        return parts.isEmpty ? "" : "; received " + parts.joined(separator: " and ") + " before that"
    }
}
