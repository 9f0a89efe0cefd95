import ArgumentParser
import EditorCore
import FileAccess
import Foundation
import ImageEditAPI
import ImageEditModel
import Raster
import SessionModel
import ResultFiles
import SessionStore
import TerminalText

/// Opens the session store for a command, or says why not (exit 1).
func openSessionStore() throws -> SessionStore {
    let path = SessionStore.defaultPath(environment: ProcessInfo.processInfo.environment)
    guard FileManager.default.fileExists(atPath: path) else {
        printError("no editor session yet: \(path) does not exist (runs are recorded by the editor, `retouch`)")
        throw ExitCode(1)
    }
    do {
        return try SessionStore(path: path)
    } catch {
        printError(error.description)
        throw ExitCode(1)
    }
}

/// `retouch history`: the editor's runs, newest first.
struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List the editor's past runs, newest first (all sessions).",
        discussion: """
            Each line: run id, start time, status, images, tokens, cost in US dollars ("-" when no \
            price is known for the model), prompt. With --json, every run in full (parameters, \
            sources with their SHA-256, mask, usage, cost, result files) and the token and cost \
            totals, per session and overall. Costs use today's price table: OpenAI's published \
            prices, or [prices."MODEL"] tables in config.toml. `retouch export RUN DIR` copies a \
            run's results.

            A run sent with other variants, as a set, shows its place before the prompt: \
            [set 3 v2], and [set 3 v2 ★] for the set's winner. With --json each run has its \
            "variant" (set, number, label, winner) or null, and "sets" lists, newest first, each \
            set with a listed run, whole: id, session, started, swept_field, winner (a run id or \
            null), runs (ids in variant order), cost (cost_usd when every run's cost is known, \
            else cost_unknown; unpriced_runs) and tokens.
            """
    )

    @Flag(help: "Print JSON: the runs and the totals.")
    var json = false

    @Option(help: "Only runs whose prompt contains this text (any case).")
    var filter = ""

    @Option(help: "At most this many runs.")
    var limit = 50

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let prices = try ConfigFile.loadOrExit().priceTableOrExit()
        let store = try openSessionStore()
        let runs: [PastRun]
        let sets: [PastSet]
        do {
            // Runs of an editor that is gone were cut short.
            try store.markInterrupted()
            runs = try store.runs(session: nil, filter: filter, limit: limit)
            sets = try Self.sets(of: runs, in: store)
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
        if json {
            // Escaped for the terminal too: DEL, C1 and bidirectional controls as \uNNNN.
            printLine(TerminalText.json(HistoryJSON.text(runs, sets: sets, prices: prices)))
            return
        }
        if runs.isEmpty {
            printLine(filter.isEmpty ? "no runs yet" : "no run's prompt contains \"\(TerminalText.safe(filter))\"")
            return
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        for run in runs {
            let when = formatter.string(from: Date(timeIntervalSince1970: run.started))
            let prompt = run.prompt.replacingOccurrences(of: "\n", with: " ")
            let tokens = run.totalTokens.map { "\($0) tok" } ?? "-"
            let cost = prices.cost(of: run).money?.formatted ?? "-"
            let line = "\(String(run.id).padding(toLength: 5, withPad: " ", startingAt: 0)) \(when)  "
                + "\(run.status.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) \(run.results.count) img  "
                + "\(tokens.padding(toLength: 10, withPad: " ", startingAt: 0)) \(cost.padding(toLength: 8, withPad: " ", startingAt: 0)) "
                + Self.place(of: run) + "\(prompt.prefix(80))"
            printLine(TerminalText.safe(line))
        }
    }
}

/// The JSON of `retouch history --json`.
enum HistoryJSON {
    struct Output: Encodable {
        var runs: [Run]
        var sets: [VariantSet]
        var totals: Totals
    }

    struct Run: Encodable {
        var id: Int64
        var session: String
        var started: String
        var finished: String?
        var status: String
        var prompt: String
        var parameters: [String: String]
        var sources: [SourceReference]
        var mask: Mask
        var backend: String
        var error: String?
        var usage: Usage
        var costUSD: Money?
        var costUnknown: String?
        var results: [String]
        var variant: OrNull<Variant>

        enum CodingKeys: String, CodingKey {
            case id, session, started, finished, status, prompt, parameters, sources, mask, backend, error, usage, results, variant
            case costUSD = "cost_usd", costUnknown = "cost_unknown"
        }
    }

    struct Mask: Encodable {
        var rects: [PixelRectJSON]
        var inverted: Bool
        var fromFile: Bool

        enum CodingKeys: String, CodingKey { case rects, inverted, fromFile = "from_file" }
    }

    struct PixelRectJSON: Encodable {
        var x: Int, y: Int, width: Int, height: Int
    }

    struct Usage: Encodable {
        var inputTokens: Int?
        var outputTokens: Int?
        var totalTokens: Int?

        enum CodingKeys: String, CodingKey { case inputTokens = "input_tokens", outputTokens = "output_tokens", totalTokens = "total_tokens" }
    }

    struct Totals: Encodable {
        var runs: Int
        var images: Int
        var inputTokens: Int
        var outputTokens: Int
        var totalTokens: Int
        /// Total tokens per session id.
        var sessions: [String: Int]
        /// The dollars of the runs whose cost is known, and how many runs have none.
        var costUSD: Money
        var unpricedRuns: Int
        var sessionCosts: [String: CostTotalJSON]

        enum CodingKeys: String, CodingKey {
            case runs, images, sessions
            case inputTokens = "input_tokens", outputTokens = "output_tokens", totalTokens = "total_tokens"
            case costUSD = "cost_usd", unpricedRuns = "unpriced_runs", sessionCosts = "session_costs"
        }
    }

    struct CostTotalJSON: Encodable {
        var costUSD: Money
        var unpricedRuns: Int

        init(_ total: CostTotal) {
            costUSD = total.known
            unpricedRuns = total.unpricedRuns
        }

        enum CodingKeys: String, CodingKey { case costUSD = "cost_usd", unpricedRuns = "unpriced_runs" }
    }

    /// The runs and the sets they were sent in, each run's cost at `prices` from the usage the
    /// store kept.
    static func text(_ runs: [PastRun], sets: [PastSet], prices: PriceTable) -> String {
        let iso = ISO8601DateFormatter()
        func date(_ seconds: Double) -> String { iso.string(from: Date(timeIntervalSince1970: seconds)) }
        var sessions: [String: Int] = [:]
        var sessionCosts: [String: CostTotal] = [:]
        var overall = CostTotal()
        var encoded: [Run] = []
        for run in runs {
            let runCost = prices.cost(of: run)
            sessions[run.sessionID, default: 0] += run.totalTokens ?? 0
            sessionCosts[run.sessionID, default: CostTotal()].add(runCost)
            overall.add(runCost)
            encoded.append(Run(
                id: run.id, session: run.sessionID, started: date(run.started), finished: run.finished.map(date),
                status: run.status.rawValue, prompt: run.prompt, parameters: run.parameters, sources: run.sources,
                mask: Mask(rects: run.maskRects.map { PixelRectJSON(x: $0.x, y: $0.y, width: $0.width, height: $0.height) },
                           inverted: run.maskInverted, fromFile: run.hasLoadedMask),
                backend: run.backend, error: run.error,
                usage: Usage(inputTokens: run.inputTokens, outputTokens: run.outputTokens, totalTokens: run.totalTokens),
                costUSD: runCost.money, costUnknown: runCost.unknownReason, results: run.results,
                variant: OrNull(run.variant.map(Variant.init))))
        }
        let totals = Totals(runs: runs.count, images: runs.reduce(0) { $0 + $1.results.count },
                            inputTokens: runs.reduce(0) { $0 + ($1.inputTokens ?? 0) },
                            outputTokens: runs.reduce(0) { $0 + ($1.outputTokens ?? 0) },
                            totalTokens: runs.reduce(0) { $0 + ($1.totalTokens ?? 0) }, sessions: sessions,
                            costUSD: overall.known, unpricedRuns: overall.unpricedRuns,
                            sessionCosts: sessionCosts.mapValues(CostTotalJSON.init))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(Output(runs: encoded, sets: sets.map { variantSet($0, prices: prices, date: date) },
                                                                                   totals: totals))) ?? Data(), as: UTF8.self)
    }
}

/// `retouch export RUN DIR`: a run's result files and their sidecars, copied.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Copy a run's result images and their JSON sidecars into a folder.",
        discussion: "The folder is made when missing; a file that exists there is never replaced (that file is reported and skipped)."
    )

    @Argument(help: ArgumentHelp("The run's id, as `retouch history` lists it.", valueName: "run"))
    var runID: Int64

    @Argument(help: "The folder to copy into.")
    var folder: String

    func run() throws {
        let store = try openSessionStore()
        let past: PastRun
        do {
            past = try store.run(runID)
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
        guard !past.results.isEmpty else {
            printError("run \(runID) has no results (\(past.status.rawValue)\(past.error.map { ": \($0)" } ?? ""))")
            throw ExitCode(1)
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), !isFolder.boolValue {
            printError("\(folder): it is not a folder; give a folder to copy into (it is made when missing)")
            throw ExitCode(1)
        }
        let writer = ResultWriter(folder: folder, stem: "")
        var failed = false
        for result in past.results {
            let sidecar = (result as NSString).deletingPathExtension + ".json"
            for path in [result, sidecar] where path == result || FileManager.default.fileExists(atPath: sidecar) {
                do {
                    let bytes = try FileReader.readAll(path: path, maxBytes: 1 << 30)
                    printLine(TerminalText.safe(try writer.copy(bytes, to: FileName.last(of: path))))
                } catch let error as ResultWriteError {
                    printError(error.description)
                    failed = true
                } catch {
                    printError("\(path): \(error)")
                    failed = true
                }
            }
        }
        if failed { throw ExitCode(1) }
    }
}
