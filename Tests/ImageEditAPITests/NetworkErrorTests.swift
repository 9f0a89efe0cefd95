import AsyncHTTPClient
import Glibc
@testable import ImageEditAPI
import ImageEditModel
import NIOCore
import NIOHTTP1
import Testing

/// Transport errors are told apart by their types, not by how they describe themselves.
@Suite struct NetworkErrorTests {
    @Test func networkErrorsNameTheURLWithoutItsPassword() {
        let error = ImageEditClient.networkError(NetworkFailure(), url: "http://u:secret@127.0.0.1:1/v1/images/edits")
        #expect(error.url == "http://127.0.0.1:1/v1/images/edits")
        #expect(!ImageEditError.network(error).description.contains("secret"))
    }

    struct NetworkFailure: Error, CustomStringConvertible {
        var description: String { "connection refused" }
    }

    @Test func kindsComeFromTheErrorsTypes() {
        let cases: [(any Error, NetworkError.Kind)] = [
            (HTTPClientError.connectTimeout, .timeout), (HTTPClientError.readTimeout, .timeout),
            (HTTPClientError.deadlineExceeded, .timeout), (HTTPClientError.remoteConnectionClosed, .connectionLost),
            (HTTPClientError.tlsHandshakeTimeout, .tls), (HTTPClientError.httpProxyHandshakeTimeout, .connect),
            (HTTPClientError.invalidURL, .other),
            (HTTPParserError.invalidEOFState, .connectionLost), (HTTPParserError.invalidChunkSize, .other),
            (ChannelError.eof, .connectionLost), (ChannelError.ioOnClosedChannel, .connectionLost),
            (ChannelError.connectTimeout(.seconds(5)), .timeout),
            (IOError(errnoCode: ECONNREFUSED, reason: "connect"), .connect),
            (IOError(errnoCode: EHOSTUNREACH, reason: "connect"), .connect),
            (IOError(errnoCode: ETIMEDOUT, reason: "connect"), .timeout),
            (IOError(errnoCode: ECONNRESET, reason: "read"), .connectionLost),
            (IOError(errnoCode: EPIPE, reason: "write"), .connectionLost),
            (SocketAddressError.unsupported, .connect),
            // Text that mentions a refusal does not make an error a refused connection.
            (NetworkFailure(), .other),
        ]
        for (error, kind) in cases { #expect(ImageEditClient.networkKind(error) == kind, "\(error)") }
    }

    @Test func detailsAreReadable() {
        #expect(ImageEditClient.readable(IOError(errnoCode: ECONNREFUSED, reason: "connect")) == "connection refused")
        #expect(ImageEditClient.readable(HTTPClientError.readTimeout) == "no data within the read timeout")
    }
}
