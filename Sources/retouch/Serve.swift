import ArgumentParser
import Foundation
import LocalEngine
import LocalServer
import LocalServerHTTP
import TerminalText

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve POST /v1/images/edits locally, backed by the offline engine.",
        discussion: """
            An OpenAI-compatible server of the image-edit endpoint. The local engine reads a small \
            vocabulary from the prompt (remove, black and white, sepia, warmer, cooler, brighter, darker, \
            more/less contrast, saturate, desaturate, blur, sharpen, pixelate, invert, night, fill with \
            <colour>; see the README) and applies it inside the mask, or to the whole image without one; \
            other words are ignored, and the X-Retouch-Engine header says what was understood. With \
            nothing understood it fills the masked area from the rest of the image (without a mask it \
            tones the image sepia). Point clients at http://HOST:PORT/v1 (for example \
            OPENAI_BASE_URL=http://127.0.0.1:8080/v1). Stops cleanly on Ctrl-C or SIGTERM.

            Limits (see the README): outputs up to 3840 a side and 3840x2160 in all, inputs reduced \
            to that as they are decoded; 4 edits at once (then 429 with Retry-After), a 2 GB memory \
            budget (then 503), a request head within 10 s, a body within 300 s, idle connections \
            closed after 60 s, 512 connections. With a key, result URLs are pre-signed.

            For testing clients, --fault (or a request's X-Retouch-Fault header) plays a failure: \
            429, 500, non-json or stall; in a stream (a request with stream=true) also drop-after:K \
            (close the connection after K events) or error-event (an error event after the first \
            partial image, or in place of the image); a request without stream gets its answer then.
            """
    )

    @Option(help: "Address to listen on; loopback unless you mean to share it.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8080

    @Option(help: "Require this key as `Authorization: Bearer KEY` (default: RETOUCH_SERVE_API_KEY, else none).")
    var apiKey: String?

    @Option(help: "Milliseconds to wait before each answer, to feel a slow server.")
    var latency = 0

    @Option(help: "Fail every request this way: 429, 500, non-json or stall; every stream: drop-after:K or error-event.")
    var fault: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        guard latency >= 0 else { throw ValidationError("--latency must be 0 or more milliseconds") }
        if let fault, Fault(fault) == nil { throw ValidationError("--fault must be \(Fault.accepted)") }
    }

    func run() async throws {
        let key = apiKey ?? ProcessInfo.processInfo.environment["RETOUCH_SERVE_API_KEY"]
        let configuration = LocalServerConfiguration(
            host: host, port: port, apiKey: key, latencyMilliseconds: latency, fault: fault.flatMap(Fault.init),
            log: { line in printLine(TerminalText.safe(line)) })
        do {
            try await LocalServerHTTP.run(configuration) { boundPort in
                let address = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
                printLine("retouch serve: listening on http://\(address):\(boundPort)/v1 (\(LocalEngine.summary))"
                          + (key == nil ? "" : "; a key is required"))
                if key == nil && !configuration.isLoopbackOnly {
                    printError("warning: \(host) is open to the network and no key is set: anyone who can reach the port can run edits"
                               + " (set --api-key or RETOUCH_SERVE_API_KEY)")
                }
            }
        } catch {
            printError("cannot serve on \(host):\(port): " + LocalServerHTTP.startFailure(error, port: port))
            throw ExitCode(1)
        }
        printLine("retouch serve: stopped")
    }
}

