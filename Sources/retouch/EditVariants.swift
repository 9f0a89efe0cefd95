import ArgumentParser
import FileAccess
import Foundation
import ImageEditAPI
import ImageEditModel
import ResultFiles
import TerminalText

/// How one variant of a set ended, with what it saved.
struct VariantOutcome {
    var variant: Variant
    var result: Result<EditResult, any Error>
    var files: [String]
    var writeFailure: ResultWriteError?
    var pricing: RunPricing
}

extension Edit {
    /// Several variants at once, at most `parallel` in flight; the rest wait for a free slot.
    func sendAll(_ variants: [Variant], client: ImageEditClient, server: String, prices: PriceTable) async -> [VariantOutcome] {
        checkBeforeSending(variants)
        // Progress goes to stderr, with --json too: the summary alone is on stdout.
        var line = "sending \(variants.count) variants, \(min(parallel, variants.count)) at a time"
        if !local, case .usd(let estimate) = prices.estimate(variants) { line += "; estimate: \(estimate.formatted) for the output images" }
        printError(line)
        // Ctrl-C cancels the set: the variants in flight stop, the waiting ones are not sent.
        let set = Task {
            await withTaskGroup(of: VariantOutcome.self) { group in
                var pending = variants[...]
                var outcomes: [VariantOutcome] = []
                func startNext() {
                    guard !Task.isCancelled, let variant = pending.popFirst() else { return }
                    group.addTask { await send(variant, client: client, server: server, prices: prices, alone: false) }
                }
                for _ in 0..<min(parallel, variants.count) { startNext() }
                for await outcome in group {
                    printError(Self.line(outcome))
                    outcomes.append(outcome)
                    startNext()
                }
                let notSent = pending.map { variant in
                    VariantOutcome(variant: variant, result: .failure(ImageEditError.cancelled), files: [], writeFailure: nil,
                                   pricing: RunPricing(table: prices, model: variant.request.effectiveModel, isLocal: local))
                }
                return (outcomes + notSent).sorted { $0.variant.number < $1.variant.number }
            }
        }
        let interrupt = InterruptHandler { set.cancel() }
        let outcomes = await set.value
        interrupt.stop()
        return outcomes
    }

    /// Every variant is checked before any is sent: a swept value the model refuses is a
    /// usage error, not a failure after the others were paid for.
    private func checkBeforeSending(_ variants: [Variant]) {
        guard !noPreflight else { return }
        var problems: [String] = []
        for variant in variants {
            do {
                let violations = try ImageEditClient.inspect(variant.request).violations
                problems += violations.map { "v\(variant.number) (\(variant.label)): \($0.description)" }
            } catch {
                fail(error.description, code: Self.exitCode(for: error))
            }
        }
        if !problems.isEmpty { fail(lines: ["nothing sent; the request breaks the model's rules:"] + problems, code: 2) }
    }

    /// `v2 (quality=high): saved a.png · tokens … · $0.04`, or why it failed.
    static func line(_ outcome: VariantOutcome) -> String {
        let name = "v\(outcome.variant.number) (\(outcome.variant.label))"
        switch outcome.result {
        case .success(let result):
            let saved = outcome.files.isEmpty ? "nothing saved" : "saved " + outcome.files.joined(separator: ", ")
            return TerminalText.safe("\(name): \(saved) · " + RunPricing.summary(of: result.usage, cost: outcome.pricing.cost(of: result.usage)))
        case .failure(let error):
            return TerminalText.safe("\(name) failed: \(error)" + (outcome.files.isEmpty ? "" : "; kept " + outcome.files.joined(separator: ", ")))
        }
    }

    /// The summary, then the exit status: the first failed variant's, or 0.
    func report(_ outcomes: [VariantOutcome]) {
        if outcomes.count == 1, let outcome = outcomes.first {
            return reportAlone(outcome)
        }
        if json { printJSON(VariantSetSummary(variants: outcomes.map { VariantSummary($0) })) }
        if let failed = outcomes.first(where: \.failed) {
            switch failed.result {
            case .failure(ImageEditError.cancelled):
                fail("interrupted: \(outcomes.filter(\.failed).count) of \(outcomes.count) variants did not finish", code: 130)
            case .failure(let error as ImageEditError): fail("\(outcomes.filter(\.failed).count) of \(outcomes.count) variants failed", code: Self.exitCode(for: error))
            default: fail("\(outcomes.filter(\.failed).count) of \(outcomes.count) variants failed", code: 1)
            }
        }
    }

    private func reportAlone(_ outcome: VariantOutcome) {
        switch outcome.result {
        case .success(let result):
            if let failure = outcome.writeFailure { fail(failure.description, code: 1) }
            if json {
                printJSON(VariantSummary(outcome, inSet: false))
            } else {
                printError(RunPricing.summary(of: result.usage, cost: outcome.pricing.cost(of: result.usage)))
            }
        case .failure(let error as ImageEditError):
            if let failure = outcome.writeFailure { printError(failure.description) }
            if !outcome.files.isEmpty { printError("kept what arrived: " + outcome.files.joined(separator: ", ")) }
            fail(error.description, code: Self.exitCode(for: error))
        case .failure(let error):
            fail(String(describing: error), code: 1)
        }
    }

    private func printJSON(_ value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        if let data = try? encoder.encode(value) { printLine(TerminalText.json(String(decoding: data, as: UTF8.self))) }
    }

    /// The set to send: every prompt with every swept value; a usage error ends the command.
    func variantsOrExit(_ base: EditRequest) -> [Variant] {
        do throws(VariantError) {
            let sweep = try sweep.first.map { text throws(VariantError) in try Sweep.parse(text) }
            return try Variant.expand(base, prompts: readPrompts(), sweep: sweep)
        } catch {
            fail(error.description, code: 2)
        }
    }

    /// The prompts of --prompt, then of --prompt-file, in the order given.
    func readPrompts() -> [String] {
        prompts + promptFiles.map { file in
            // Standard input (-) and a file alike: at most a megabyte (a prompt is at most 32,000
            // characters, so more is a wrong file), and UTF-8.
            let name = file == "-" ? "standard input" : "the prompt file \(file)"
            let bytes: [UInt8]
            do throws(FileAccessError) {
                bytes = file == "-" ? try FileReader.readStream(STDIN_FILENO, named: name, maxBytes: 1 << 20)
                    : try FileReader.readAll(path: file, maxBytes: 1 << 20)
            } catch {
                switch error.kind {
                case .cannotRead(let why):
                    fail("cannot read \(name): \(why)" + (why == "not a regular file" ? " (for a pipe, give --prompt-file - and pipe it in)" : ""), code: 2)
                case .tooLarge, .streamTooLarge: fail("\(name) is over 1 MB: is it the right file?", code: 2)
                }
            }
            guard let text = String(validating: bytes, as: UTF8.self) else { fail("\(name) is not UTF-8 text", code: 2) }
            return text.trimmingCharacters(in: .newlines)
        }
    }
}

extension VariantOutcome {
    var failed: Bool {
        if case .failure = result { return true }
        return writeFailure != nil
    }
}

/// `--json` for several variants: each with its files, usage and cost.
struct VariantSetSummary: Encodable {
    var variants: [VariantSummary]
}

/// `--json` for one run (the fields the single edit has always printed), with the variant's
/// number, label and prompt when it is one of a set.
struct VariantSummary: Encodable {
    var variant: Int?
    var label: String?
    var prompt: String?
    var files: [String]
    var partialImages: Int?
    var usage: Usage?
    var costUSD: Money?
    var costUnknown: String?
    var requestID: String?
    var created: Int?
    var output: OutputSettings?
    var error: String?

    enum CodingKeys: String, CodingKey {
        case variant, label, prompt, files, usage, created, output, error
        case partialImages = "partial_images", requestID = "request_id", costUSD = "cost_usd", costUnknown = "cost_unknown"
    }

    init(_ outcome: VariantOutcome, inSet: Bool = true) {
        files = outcome.files
        switch outcome.result {
        case .success(let result):
            let cost = outcome.pricing.cost(of: result.usage)
            (partialImages, usage, costUSD, costUnknown) = (result.partialImageCount, result.usage, cost.money, cost.unknownReason)
            (requestID, created, output) = (result.requestID, result.created, result.settings)
        case .failure(let failure):
            error = String(describing: failure)
        }
        guard inSet else { return }
        (variant, label, prompt) = (outcome.variant.number, outcome.variant.label, outcome.variant.request.prompt)
    }
}
