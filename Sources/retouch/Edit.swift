import ArgumentParser
import Foundation
import ImageEditAPI
import ImageEditModel
import LocalServer
import LocalServerHTTP
import Raster
import ResultFiles
import TerminalText

#if canImport(Glibc)
import Glibc
#endif

struct Edit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Send one image edit and save the results.",
        discussion: """
            Each result is saved in --out under a name that never replaces an existing file \
            (edit-YYYYMMDD-HHMMSS.png, then -2, -3 …), with a JSON sidecar recording the prompt, \
            parameters, model, usage, its cost in US dollars (cost_usd, when the model's price is \
            known) and request id. The API key is never written anywhere. Prices are OpenAI's \
            published ones, or [prices."MODEL"] tables in config.toml (see the README).

            The server is --base-url, else OPENAI_BASE_URL, else base_url in \
            $XDG_CONFIG_HOME/retouch/config.toml, else https://api.openai.com/v1, which needs \
            OPENAI_API_KEY. OPENAI_ORG_ID, OPENAI_PROJECT_ID, HTTPS_PROXY and NO_PROXY are honoured.

            Exit status: 0 success, 1 results that could not be written (--out not a writable \
            folder, a full disk), 2 usage or pre-flight error, 3 API error (also an error event in \
            the stream), 4 network error or timeout, 5 unexpected answer from the server (bad JSON or \
            base64, a stream that ended early, an answer over a memory limit), 130 interrupted.
            """
    )

    @Option(name: .customLong("image"), help: ArgumentHelp("Source image (PNG, JPEG or WebP); repeat for up to \(ModelRules.maxInputImages).", valueName: "file"))
    var images: [String] = []

    @Option(help: ArgumentHelp("PNG mask with alpha, the first image's size; transparent pixels mark the area to edit.", valueName: "file"))
    var mask: String?

    @Option(name: .customLong("prompt"), help: "The prompt; give it more than once to send variants together (up to \(Variant.limit)).")
    var prompts: [String] = []

    @Option(name: .customLong("prompt-file"), help: ArgumentHelp("Read a prompt from a file (- reads standard input); repeatable like --prompt.", valueName: "file"))
    var promptFiles: [String] = []

    @Option(help: ArgumentHelp("Sweep one setting, one variant per value, e.g. quality=low,high (model, size, quality, background, input_fidelity, n, output_format, output_compression); one --sweep at a time.", valueName: "field=v1,v2"))
    var sweep: [String] = []


    @Option(help: "Variants sent at the same time, 1–8; the others wait for a free slot.")
    var parallel = 4

    @Option(help: "Model (default gpt-image-1.5): gpt-image-1.5, gpt-image-1, gpt-image-1-mini, gpt-image-2, chatgpt-image-latest, dall-e-2, or any newer name.")
    var model: String?

    @Option(help: "Output size: 1024x1024, 1536x1024, 1024x1536, auto; any WIDTHxHEIGHT for gpt-image-2; 256x256/512x512/1024x1024 for dall-e-2.")
    var size: String?

    @Option(help: "low, medium, high or auto (standard for dall-e-2).")
    var quality: String?

    @Option(help: "transparent, opaque or auto.")
    var background: String?

    @Option(help: "png, jpeg or webp.")
    var outputFormat: String?

    @Option(help: "0–100, for jpeg and webp output.")
    var outputCompression: Int?

    @Option(help: "high or low: how closely to keep the input's features.")
    var inputFidelity: String?

    @Option(name: .customShort("n"), help: "Number of images, 1–10.")
    var count: Int?

    @Option(help: "Partial images to stream, 0–3 (with --stream).")
    var partialImages: Int?

    @Option(help: "url or b64_json (dall-e-2 only).")
    var responseFormat: String?

    @Flag(help: "Stream the edit: partial images and progress as they arrive.")
    var stream = false

    @Option(help: "An identifier of your end user, passed to the API.")
    var user: String?

    @Option(help: ArgumentHelp("Folder for results.", valueName: "dir"))
    var out = "."

    @Option(help: ArgumentHelp("API base URL, e.g. http://127.0.0.1:8080/v1.", valueName: "url"))
    var baseURL: String?

    @Flag(help: "Use the offline local engine in this process (no key, no network; it reads the words of its vocabulary, see the README).")
    var local = false

    @Option(help: "Seconds the whole request may take, streamed answer included.")
    var timeout: Double = 600

    @Option(help: "Retries on connection errors, 408, 409, 429 and 5xx (never once a stream has started).")
    var maxRetries: Int = 2

    @Flag(help: "Send without checking the request against the model's documented rules.")
    var noPreflight = false

    @Flag(help: "Also save each partial image as it arrives (with --stream).")
    var savePartials = false

    @Flag(help: "Print a JSON summary (files, usage, cost, request id) on standard output.")
    var json = false

    func validate() throws {
        if images.isEmpty { throw ValidationError("give at least one --image") }
        if prompts.isEmpty && promptFiles.isEmpty { throw ValidationError("give --prompt or --prompt-file") }
        if promptFiles.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (--prompt-file -) can be read once") }
        if !(1...8).contains(parallel) { throw ValidationError("--parallel must be 1 to 8") }
        if sweep.count > 1 { throw ValidationError("one --sweep at a time (give its values comma-separated: --sweep quality=low,high)") }
        do throws(VariantError) {
            let values = try sweep.first.map { text throws(VariantError) in try Sweep.parse(text) }?.values.count ?? 1
            let count = (prompts.count + promptFiles.count) * values
            if count > Variant.limit { throw VariantError.tooMany(count) }
        } catch {
            throw ValidationError(error.description)
        }
        if out.isEmpty { throw ValidationError("--out needs a folder (\".\" for this one)") }
        if timeout <= 0 { throw ValidationError("--timeout must be more than 0 seconds") }
        if maxRetries < 0 { throw ValidationError("--max-retries must be 0 or more") }
        if savePartials && !stream { throw ValidationError("--save-partials needs --stream") }
        if local && baseURL != nil { throw ValidationError("give --local or --base-url, not both") }
    }

    func run() async throws {
        let base = EditRequest(
            images: images.map { InputImage(path: $0) }, prompt: "", mask: mask.map { InputImage(path: $0) },
            model: model, background: background, inputFidelity: inputFidelity, n: count,
            outputCompression: outputCompression, outputFormat: outputFormat, partialImages: partialImages,
            quality: quality, responseFormat: responseFormat, size: size, stream: stream ? true : nil, user: user)
        let variants = variantsOrExit(base)
        let config = try ConfigFile.loadOrExit()
        let prices = try config.priceTableOrExit()
        // --local sends to its own engine: a base URL set elsewhere is not used, nor checked.
        var configuration = local ? ClientConfiguration()
            : try ClientConfiguration.resolveOrExit(baseURLFlag: baseURL, environment: ProcessInfo.processInfo.environment,
                                                    configBaseURL: config.baseURL)
        configuration.timeout = timeout
        configuration.maxRetries = maxRetries
        // A folder that cannot take the results is found before the edit is sent and paid for.
        do throws(ResultWriteError) {
            try ResultWriter(folder: out, stem: "").checkWritable()
        } catch {
            fail(error.description, code: 1)
        }
        var localServer: RunningLocalServer?
        if local {
            do {
                localServer = try await LocalServerHTTP.start(.privateToThisProcess())
            } catch {
                fail("cannot start the local engine: " + LocalServerHTTP.startFailure(error, port: 0), code: 1)
            }
            configuration.baseURL = localServer!.baseURL
            configuration.apiKey = localServer!.apiKey
        }

        let client = ImageEditClient(configuration: configuration)
        let outcomes: [VariantOutcome]
        if variants.count == 1 {
            outcomes = [await send(variants[0], client: client, server: configuration.baseURL, prices: prices, alone: true)]
        } else {
            outcomes = await sendAll(variants, client: client, server: configuration.baseURL, prices: prices)
        }
        await client.shutdown()
        await localServer?.stop()
        report(outcomes)
    }

    /// One variant, sent and saved as it arrives; `alone`: the only one (a progress line,
    /// file names without `-vN`).
    func send(_ variant: Variant, client: ImageEditClient, server: String, prices: PriceTable, alone: Bool) async -> VariantOutcome {
        let request = variant.request
        let pricing = RunPricing(table: prices, model: request.effectiveModel, isLocal: local)
        let stem = ResultWriter.stem() + (alone ? "" : "-v\(variant.number)")
        let session = EditSession(request: request, writer: ResultWriter(folder: out, stem: stem), server: server, pricing: pricing,
                                  savePartials: savePartials,
                                  display: ProgressDisplay(enabled: alone && isatty(STDERR_FILENO) == 1 && !json, notes: alone),
                                  variant: alone ? nil : variant)
        if alone, !json, !local, case .usd(let estimate) = pricing.table.estimate(request) {
            printError("estimate: \(estimate.formatted) for the output images, before the input is counted")
        }
        let work = Task { try await client.edit(request, preflight: !noPreflight) { session.handle($0) } }
        let outcome: Result<EditResult, any Error>
        if alone {
            let interrupt = InterruptHandler { work.cancel() }
            outcome = await work.result
            interrupt.stop()
        } else {
            // One of a set: the set's interrupt cancels it.
            outcome = await withTaskCancellationHandler { await work.result } onCancel: { work.cancel() }
        }
        session.display.finish()
        return VariantOutcome(variant: variant, result: outcome, files: session.files, writeFailure: session.writeFailure, pricing: pricing)
    }

    static func exitCode(for error: ImageEditError) -> Int32 {
        switch error {
        case .preflight, .input, .missingCredentials: 2
        case .api, .streamFailed: 3
        case .network: 4
        case .protocolViolation: 5
        case .cancelled: 130
        }
    }

    func fail(_ message: String, code: Int32) -> Never {
        fail(lines: [message], code: code)
    }

    /// Each line on its own line of stderr (`printError` shows a line break in a message as `\n`).
    func fail(lines: [String], code: Int32) -> Never {
        lines.forEach(printError)
        Glibc.exit(code)
    }
}

/// Saves images the moment they arrive and keeps the progress line current.
final class EditSession: @unchecked Sendable {
    let request: EditRequest
    let writer: ResultWriter
    let server: String
    let pricing: RunPricing
    let savePartials: Bool
    let display: ProgressDisplay
    /// The variant of a set this run is, named in each sidecar.
    let variant: Variant?
    private let lock = NSLock()
    private var requestID: String?
    private(set) var files: [String] = []
    private(set) var writeFailure: ResultWriteError?

    init(request: EditRequest, writer: ResultWriter, server: String, pricing: RunPricing, savePartials: Bool, display: ProgressDisplay,
         variant: Variant? = nil) {
        self.variant = variant
        self.request = request
        self.writer = writer
        self.server = server
        self.pricing = pricing
        self.savePartials = savePartials
        self.display = display
    }

    func handle(_ progress: EditProgress) {
        lock.withLock {
            switch progress {
            case .responseStarted(_, let id, let engine):
                requestID = id
                if let engine { display.note("engine: " + engine) }
            case .partialImage(let partial):
                if savePartials {
                    save(partial.bytes, suffix: "partial-\(partial.index)", kind: "partial", index: partial.index,
                         created: partial.createdAt, usage: nil, output: partial.settings, revisedPrompt: nil)
                }
            case .image(let image):
                save(image.bytes, suffix: image.index == 0 ? nil : "\(image.index + 1)", kind: "image", index: image.index,
                     created: image.createdAt, usage: image.usage, output: image.settings, revisedPrompt: image.revisedPrompt)
            default:
                break
            }
            display.update(progress)
        }
    }

    private func save(_ bytes: [UInt8], suffix: String?, kind: String, index: Int, created: Int?, usage: Usage?,
                      output: OutputSettings, revisedPrompt: String?) {
        do {
            let path = try writer.write(bytes, suffix: suffix) { file in
                Sidecar(file: file, kind: kind, index: index, request: request, server: server, requestID: requestID,
                        created: created, usage: usage, output: output, revisedPrompt: revisedPrompt,
                        costUSD: usage == nil ? nil : pricing.cost(of: usage).money, variant: variant)
            }
            files.append(path)
            display.note("saved \(path)")
        } catch {
            writeFailure = writeFailure ?? error
        }
    }
}

/// One line on stderr that shows the run is alive: attempt, events, bytes, elapsed time.
final class ProgressDisplay: @unchecked Sendable {
    let enabled: Bool
    /// Notes ("saved …", "engine: …") are written; a variant of a set has its own summary line.
    let notes: Bool
    private let lock = NSLock()
    private let started = ContinuousClock.now
    private var status = "sending"
    private var bytes = 0
    private var partials = 0
    private var images = 0
    private var ticker: Task<Void, Never>?

    init(enabled: Bool, notes: Bool = true) {
        self.enabled = enabled
        self.notes = notes
        guard enabled else { return }
        ticker = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                self?.redraw()
            }
        }
    }

    func update(_ progress: EditProgress) {
        lock.withLock {
            switch progress {
            case .attempt(let n, let total): status = n == 1 ? "sending" : "sending (attempt \(n) of \(total))"
            case .responseStarted: status = "receiving"
            case .received(let count): bytes = count
            case .partialImage: partials += 1
            case .image: images += 1
            case .retrying(let after, let reason): status = "retrying in \(String(format: "%.1f", after)) s: \(reason)"
            }
        }
        redraw()
    }

    /// A line of its own above the progress line.
    func note(_ text: String) {
        guard notes else { return }
        guard enabled else {
            printError(text)
            return
        }
        write("\r\u{1B}[K" + TerminalText.safe(text) + "\n")
        redraw()
    }

    func finish() {
        ticker?.cancel()
        if enabled { write("\r\u{1B}[K") }
    }

    private func redraw() {
        guard enabled else { return }
        let line = lock.withLock { () -> String in
            let elapsed = Double((ContinuousClock.now - started).components.attoseconds) / 1e18
                + Double((ContinuousClock.now - started).components.seconds)
            var parts = [status]
            if partials > 0 { parts.append("\(partials) partial") }
            if images > 0 { parts.append("\(images) image\(images == 1 ? "" : "s")") }
            parts.append(ByteCount.format(bytes))
            parts.append(String(format: "%.1f s", elapsed))
            return parts.joined(separator: " · ")
        }
        write("\r\u{1B}[K" + TerminalText.safe(line))
    }

    private func write(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}

/// Turns Ctrl-C (and SIGTERM) into cancelling the edit, so files already saved stay and the
/// connection is closed cleanly.
final class InterruptHandler: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []

    init(onInterrupt: @escaping @Sendable () -> Void) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler(handler: onInterrupt)
            source.resume()
            sources.append(source)
        }
    }

    func stop() {
        sources.forEach { $0.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
