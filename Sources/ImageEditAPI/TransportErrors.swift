import AsyncHTTPClient
import Foundation
import ImageEditModel
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix
import NIOSSL

/// Transport errors, classified by type into the few kinds a person can act on.
extension ImageEditClient {
    func mapTransportError(_ error: Error, url: String, eventsSeen: Bool, reader: StreamReader? = nil) -> Error {
        if let failure = error as? AttemptFailure { return failure }
        if Task.isCancelled || error is CancellationError { return AttemptFailure(error: .cancelled, retryable: false) }
        if let input = error as? InputFileError { return AttemptFailure(error: .input(input), retryable: false) }
        if let inflation = error as? NIOHTTPDecompression.DecompressionError, inflation == .limit {
            let detail = "the compressed answer inflates more than \(configuration.limits.maxInflationRatio) times"
            return AttemptFailure(error: .protocolViolation(reader?.failure(.limitExceeded, detail)
                                                            ?? ProtocolError(kind: .limitExceeded, detail: detail)), retryable: false)
        }
        let network = Self.networkError(error, url: url)
        if eventsSeen, let reader, network.kind == .connectionLost || network.kind == .other {
            // The stream broke after events arrived: never retried, and what arrived is reported.
            return AttemptFailure(error: .protocolViolation(reader.failure(.truncatedStream, network.detail)), retryable: false)
        }
        return AttemptFailure(error: .network(network), retryable: !eventsSeen && network.kind != .timeout)
    }

    static func networkError(_ error: Error, url: String) -> NetworkError {
        NetworkError(kind: networkKind(error), detail: readable(error), url: URLRedaction.redact(url))
    }

    /// What kind of failure a transport error is, by its type: AsyncHTTPClient's, NIO's
    /// channel, socket and connection errors, the HTTP parser's, and TLS's.
    static func networkKind(_ error: Error) -> NetworkError.Kind {
        switch error {
        case let client as HTTPClientError:
            switch client {
            case .connectTimeout, .readTimeout, .writeTimeout, .deadlineExceeded, .getConnectionFromPoolTimeout: return .timeout
            case .remoteConnectionClosed: return .connectionLost
            case .tlsHandshakeTimeout: return .tls
            case .socksHandshakeTimeout, .httpProxyHandshakeTimeout, .invalidProxyResponse, .proxyAuthenticationRequired:
                return .connect
            default: return .other
            }
        case let parser as HTTPParserError:
            return parser == .invalidEOFState ? .connectionLost : .other
        case let channel as ChannelError:
            switch channel {
            case .connectTimeout: return .timeout
            case .writeHostUnreachable: return .connect
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed: return .connectionLost
            default: return .other
            }
        case let io as IOError:
            return kind(errno: io.errnoCode)
        case let connection as NIOConnectionError:
            // Every address failed: the first failure says how (refused, unreachable, timed out).
            if let first = connection.connectionErrors.first, networkKind(first.error) == .timeout { return .timeout }
            return .connect
        case is SocketAddressError, is SocketAddressError.UnknownHost:
            // The host name could not be resolved.
            return .connect
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            return .tls
        default:
            return .other
        }
    }

    static func kind(errno code: Int32) -> NetworkError.Kind {
        switch code {
        case ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL, ENETDOWN, EHOSTDOWN: .connect
        case ETIMEDOUT: .timeout
        case ECONNRESET, EPIPE, ECONNABORTED, ENOTCONN: .connectionLost
        default: .other
        }
    }

    /// NIO's errors describe themselves in type syntax; keep the part a person can read.
    static func readable(_ error: Error) -> String {
        switch error {
        case let client as HTTPClientError:
            switch client {
            case .connectTimeout: return "no connection within the connect timeout"
            case .readTimeout: return "no data within the read timeout"
            case .remoteConnectionClosed: return "the server closed the connection"
            case .deadlineExceeded: return "the deadline passed"
            case .tlsHandshakeTimeout: return "the TLS handshake timed out"
            default: break
            }
        case let parser as HTTPParserError where parser == .invalidEOFState:
            return "the connection closed before the answer's end"
        case let io as IOError:
            return errnoText(io.errnoCode)
        case let connection as NIOConnectionError:
            if let first = connection.connectionErrors.first { return readable(first.error) }
            if connection.dnsAError != nil || connection.dnsAAAAError != nil { return "cannot resolve \(connection.host)" }
        default:
            break
        }
        let text = String(describing: error)
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }

    static func errnoText(_ code: Int32) -> String { String(cString: strerror(code)).lowercased() }
}
