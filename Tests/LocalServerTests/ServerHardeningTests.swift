import Foundation
import ImageCodecs
import ImageEditAPI
import ImageEditModel
import LocalEngine
import LocalServerHTTP
import Raster
import Testing
import TestSupport
@testable import LocalServer

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `retouch serve` as a hostile local user meets it: outsized requests, slow connections, floods
/// and guessed keys are refused without harm, and the server keeps answering.
@Suite(.serialized) struct ServerHardeningTests {
    func apiFailure(_ error: ImageEditError?) -> APIError? {
        if case .api(let api) = error { api } else { nil }
    }

    func plainRequest(model: String? = nil, size: String? = nil, n: Int? = nil) throws -> EditRequest {
        var request = EditRequest(images: [InputImage(path: try temporaryFile("p.png", try ImageEncoder.png(photo)))], prompt: "x")
        request.model = model
        request.size = size
        request.n = n
        return request
    }

    @Test(arguments: [
        ("my-model", "99999999999x99999999999", nil, "size"), ("my-model", "12000x12000", nil, "size"),
        ("gpt-image-1", "9223372036854775807x9223372036854775807", nil, "size"), ("my-model", "3841x16", nil, "size"),
        ("my-model", "3000x3000", nil, "size"), ("my-model", "3840x2160", 10, "n"), ("my-model", "big", nil, "size"),
    ] as [(String, String, Int?, String)])
    func outputsOverTheLargestAreRefusedForEveryModel(model: String, size: String, n: Int?, field: String) async throws {
        let error = try await withServer { _, client in
            await failure(client, try plainRequest(model: model, size: size, n: n), preflight: false)
        }
        let api = try #require(apiFailure(error), "\(String(describing: error))")
        #expect(api.status == 400 && api.param == field, "\(api)")
    }

    @Test func theLargestOutputIsStillMade() async throws {
        let result = try await withServer { _, client in
            try await client.edit(try plainRequest(model: "my-model", size: "1920x1080"), preflight: false)
        }
        let image = try decode(result.images[0].bytes).image
        #expect(image.width == 1920 && image.height == 1080)
    }

    @Test func inputsLargerThanTheLargestOutputAreReduced() async throws {
        let wide = RGBAImage(width: 4000, height: 50) { x, y in RGBA(UInt8(x % 256), UInt8(y * 5), 100) }
        let request = EditRequest(images: [InputImage(path: try temporaryFile("w.png", try ImageEncoder.png(wide)))], prompt: "x")
        let result = try await withServer { _, client in try await client.edit(request) }
        let image = try decode(result.images[0].bytes).image
        #expect(image.width == 3840 && image.height == 48)
    }

    @Test func theEngineRefusesOversizedJobs() {
        let job = LocalEngine.Job(image: photo, mask: nil, size: (99_999_999_999, 99_999_999_999))
        #expect(throws: LocalEngine.OutputProblem.sizeTooLarge(width: 99_999_999_999, height: 99_999_999_999)) {
            try LocalEngine().run(job, onPartial: { _, _ in }, onImage: { _, _ in })
        }
        let many = LocalEngine.Job(image: photo, mask: nil, variations: Int.max, size: (3840, 2160))
        #expect(throws: LocalEngine.OutputProblem.tooManyPixels(width: 3840, height: 2160, images: Int.max)) {
            try LocalEngine().run(many, onPartial: { _, _ in }, onImage: { _, _ in })
        }
    }

    @Test func theBudgetIsGivenBackWhenRequestsEnd() async throws {
        let handlerBudget = MemoryBudget(capacity: 1000)
        let slots = EditSlots(capacity: 1)
        do {
            let lease = try #require(EditLease(slots: slots, budget: handlerBudget))
            try lease.reserve(600, for: "a test")
            #expect(throws: HTTPFailure.self) { try lease.reserve(600, for: "a test") }
            #expect(EditLease(slots: slots, budget: handlerBudget) == nil, "the only slot is taken")
        }
        #expect(handlerBudget.inUse == 0)
        #expect(EditLease(slots: slots, budget: handlerBudget) != nil)
    }

    @Test func theEditPathTakesPostAlone() async throws {
        let server = try await LocalServerHTTP.start(LocalServerConfiguration(port: 0))
        for method in ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"] {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)/v1/images/edits")!)
            request.httpMethod = method
            let (body, response) = try await URLSession.shared.data(for: request)
            let http = response as? HTTPURLResponse
            #expect(http?.statusCode == 405, "\(method)")
            #expect(http?.value(forHTTPHeaderField: "Allow") == "POST")
            if method != "HEAD" {
                let error = (try? JSONSerialization.jsonObject(with: body) as? [String: [String: Any]])?["error"]
                #expect(error?["message"] as? String == "Use POST for /v1/images/edits.", "\(method)")
            }
        }
        await server.stop()
    }

    @Test func onlyLoopbackAddressesCountAsThisMachineAlone() {
        for host in ["127.0.0.1", "127.1.2.3", "127.1", "localhost", "LocalHost", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"] {
            #expect(LocalServerConfiguration(host: host).isLoopbackOnly, "\(host)")
        }
        for host in ["0.0.0.0", "::", "192.168.1.4", "127.0.0.1.example.com", "127.0.0.256", "example.com", "", "::ffff:10.0.0.1", "::2"] {
            #expect(!LocalServerConfiguration(host: host).isLoopbackOnly, "\(host)")
        }
    }

    @Test func aPortInUseOrAnUnknownHostIsSaidInWords() async throws {
        let first = try await LocalServerHTTP.start(LocalServerConfiguration(port: 0))
        var taken = LocalServerConfiguration(port: first.port)
        taken.host = first.host
        do {
            let second = try await LocalServerHTTP.start(taken)
            await second.stop()
            Issue.record("a second server bound port \(first.port)")
        } catch {
            #expect(LocalServerHTTP.startFailure(error, port: first.port)
                    == "the port is in use (another server listens there); choose another with --port, or 0 for a free one")
        }
        await first.stop()
        var unknown = LocalServerConfiguration(port: 0)
        unknown.host = "no-such-host.invalid"
        do {
            let server = try await LocalServerHTTP.start(unknown)
            await server.stop()
            Issue.record("a server started on an unknown host")
        } catch {
            #expect(LocalServerHTTP.startFailure(error, port: 0).hasPrefix("the host no-such-host.invalid is not known"), "\(error)")
        }
    }

    @Test func aTrickledHeadIsCutOffAtTheHeaderTimeout() async throws {
        var configuration = LocalServerConfiguration(port: 0)
        configuration.limits.headerTimeout = .milliseconds(600)
        let server = try await LocalServerHTTP.start(configuration)
        // A head trickled for a minute; cut off at the timeout, far sooner. The bound is loose
        // because a busy 2-core machine running the whole suite has delayed the cut by seconds
        // (9 s once); a server without the timeout would read the whole minute.
        let closedAfter = try await OwnThread.run {
            try trickle("POST /v1/images/edits HTTP/1.1\r\nHost: x\r\nX-Slow: " + String(repeating: "a", count: 1200),
                        port: server.port, every: .milliseconds(50))
        }
        // The server still answers others.
        let (_, response) = try await URLSession.shared.data(for: try multipartRequest(server))
        await server.stop()
        #expect(closedAfter < .seconds(30), "closed after \(closedAfter)")
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
    }

    @Test func hostedResultsAreBoundedByCountAndBytes() {
        let hosted = HostedResults(maxCount: 3, maxBytes: 1000)
        let paths = (0..<5).map { _ in hosted.add([UInt8](repeating: 1, count: 100), format: "png") }
        #expect(hosted.count == 3)
        let name = { (path: String) in String(path.dropFirst("/v1/results/".count).prefix { $0 != "?" }) }
        #expect(hosted.take(name(paths[0])) == nil && hosted.take(name(paths[4])) != nil)
        _ = hosted.add([UInt8](repeating: 2, count: 950), format: "png")
        #expect(hosted.count == 1)
    }

    @Test func keysAreComparedWhole() {
        #expect(keysMatch("sk-abc", "sk-abc"))
        #expect(!keysMatch("sk-abd", "sk-abc"))
        #expect(!keysMatch("sk-ab", "sk-abc"))
        #expect(!keysMatch("sk-abcd", "sk-abc"))
        #expect(!keysMatch("", "sk-abc"))
        // A length that differs by a multiple of 256 must not pass either.
        #expect(!keysMatch(Substring(String(repeating: "a", count: 256)), ""))
    }

    @Test func aPrivateServerWantsItsLaunchKey() async throws {
        let configuration = LocalServerConfiguration.privateToThisProcess()
        let key = try #require(configuration.apiKey)
        #expect(key.count > 40 && key != LocalServerConfiguration.privateToThisProcess().apiKey)
        let refused = try await withServer(configuration, key: nil) { _, client in
            await failure(client, try plainRequest())
        }
        #expect(apiFailure(refused)?.status == 401)
        let result = try await withServer(configuration, key: key) { _, client in try await client.edit(try plainRequest()) }
        #expect(result.images.count == 1)
    }
}

/// A multipart edit request built by hand, as any HTTP client could send it.
func multipartRequest(_ server: RunningLocalServer) throws -> URLRequest {
    var request = URLRequest(url: URL(string: server.baseURL + "/images/edits")!)
    request.httpMethod = "POST"
    request.setValue(MultipartForm.contentType, forHTTPHeaderField: "Content-Type")
    request.httpBody = Data(try MultipartForm.edit())
    return request
}

/// Sends `text` a byte at a time to 127.0.0.1:`port` and returns how long until the server closed.
func trickle(_ text: String, port: Int, every interval: Duration) throws -> Duration {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    let started = ContinuousClock.now
    var byte: UInt8 = 0
    for character in text.utf8 {
        var value = character
        if send(fd, &value, 1, Int32(MSG_NOSIGNAL)) <= 0 { return ContinuousClock.now - started }
        // A closed connection reads as end of file.
        var poll = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        if Glibc.poll(&poll, 1, 0) > 0 && recv(fd, &byte, 1, Int32(MSG_DONTWAIT)) <= 0 { return ContinuousClock.now - started }
        Thread.sleep(forTimeInterval: Double(interval.components.attoseconds) / 1e18 + Double(interval.components.seconds))
    }
    return .seconds(3600)
}
