import ImageEditModel
import Raster

/// One request of what was sent: its variant, its progress, and what came of it.
public struct RunProgress: Equatable, Sendable {
    /// 1, 2, …: the variant's number in its set (1 for an edit sent alone).
    public var variant: Int
    /// The start of its prompt, or the swept value (`quality=high`).
    public var label: String
    /// What was sent: its prompt and settings become the editor's when it wins.
    public var request: EditRequest
    /// The swept field's value, when the set is a sweep.
    public var swept: String?
    /// When it went out; nil while it waits for a free slot.
    public var started: Double?
    public var status = "queued"
    public var bytes = 0
    public var partials = 0
    public var images = 0
    public var cancelling = false
    /// What the local engine understood of the prompt, when it says.
    public var engine: String?
    /// What the run cost, once known.
    public var cost: Cost?
    public var tokens: Int?
    /// The latest partial image, until its result arrives.
    public var partial: RGBAImage?
    /// Its saved images, as indices in `EditorState.results`.
    public var results: [Int] = []
    public var outcome: RunOutcome?
    public var finished: Double?

    public init(_ variant: Variant) {
        self.variant = variant.number
        label = variant.label
        request = variant.request
        swept = variant.swept?.value
    }

    public var isRunning: Bool { outcome == nil }

    /// Seconds it has taken so far (or took).
    func elapsed(now: Double) -> Double {
        guard let started else { return 0 }
        return max(0, (finished ?? now) - started)
    }
}

/// What one Ctrl-S sent: an edit alone, or a set of variants to compare side by side.
public struct RunSet: Equatable, Sendable {
    /// Requests in flight at once; the others wait for a slot (the local engine serves as many).
    public static let inFlight = 4

    /// The set's number in this session (names it in the grid and the store).
    public var number: Int
    public var runs: [RunProgress]
    /// The swept field, when the set is a sweep: each prompt's values make one row of tiles.
    public var sweptField: EditField?
    /// The winning variant's number, once chosen.
    public var winner: Int?

    public var isSet: Bool { runs.count > 1 }
    public var isRunning: Bool { runs.contains(where: \.isRunning) }

    /// Tiles per row in the grid: a sweep's values, or as many as fit.
    var columns: Int? { sweptField == nil ? nil : runs.filter { $0.request.prompt == runs[0].request.prompt }.count }

    func index(of variant: Int) -> Int? { runs.firstIndex { $0.variant == variant } }

    /// The first image of the tile at `index`, if there is such a tile and it has one.
    func firstResult(ofTile index: Int) -> Int? { runs.indices.contains(index) ? runs[index].results.first : nil }
}

extension EditorState {
    /// An edit or a set is in flight.
    public var isRunning: Bool { sent?.isRunning ?? false }

    mutating func apply(_ event: RunEvent, variant: Int) {
        guard var set = sent, let i = set.index(of: variant) else { return }
        var run = set.runs[i]
        switch event {
        case .started:
            run.started = run.started ?? now
            run.status = "sending"
        case .status(let text): if !run.cancelling { run.status = text }
        case .received(let bytes): run.bytes = bytes
        case .engine(let note): run.engine = note
        case .cost(let cost): run.cost = cost
        case .partial(let image):
            run.partials += 1
            run.partial = image
            if !set.isSet { preview = .partial(image) }
        case .saved(let item):
            run.images += 1
            results.append(item)
            run.results.append(results.count - 1)
            run.partial = nil
            if !set.isSet { preview = .result(results.count - 1) }
        }
        set.runs[i] = run
        sent = set
    }

    mutating func finish(_ outcome: RunOutcome, variant: Int) {
        guard var set = sent, let i = set.index(of: variant) else { return }
        var run = set.runs[i]
        run.outcome = outcome
        run.finished = now
        run.partial = nil
        if case .completed(let tokens) = outcome {
            run.tokens = tokens
            sessionTokens += tokens ?? 0
        }
        if case .usd(let money)? = run.cost { sessionCost = sessionCost + money }
        set.runs[i] = run
        sent = set
        if set.isSet {
            if !set.isRunning { setFinished(set) }
        } else {
            finishedAlone(run, outcome: outcome)
        }
    }

    /// An edit sent alone: the status line says how it went; an error opens a panel.
    private mutating func finishedAlone(_ run: RunProgress, outcome: RunOutcome) {
        let images = run.images
        // "local; understood: sepia; ignored: boat" → "understood: sepia; ignored: boat".
        let engine = run.engine.map { " · " + ($0.hasPrefix("local; ") ? String($0.dropFirst(7)) : $0) } ?? ""
        switch outcome {
        case .completed(let tokens):
            notice = "Done: \(Text.count(images, "image")) saved" + (tokens.map { ", \($0) tokens" } ?? "") + engine
            // Several images: see them side by side, the run's first selected.
            if images > 1 { preview = .gallery(selected: results.count - images) }
        case .failed(let title, let lines):
            overlays.push(ErrorOverlay(title: title, lines: lines + (images > 0 ? ["\(images) image(s) that arrived were saved."] : [])))
            if case .partial = preview { preview = .source }
        case .cancelled:
            notice = "Cancelled" + (images > 0 ? "; \(images) image(s) saved" : "")
            if case .partial = preview { preview = .source }
        }
    }

    /// Every variant of a set is done: one line for the set, one panel for its failures.
    private mutating func setFinished(_ set: RunSet) {
        let images = set.runs.reduce(0) { $0 + $1.images }
        let done = set.runs.filter { if case .completed = $0.outcome { true } else { false } }.count
        var parts = ["Set \(set.number): \(Text.count(images, "image")) from \(done) of \(set.runs.count) variants"]
        let tokens = set.runs.compactMap(\.tokens).reduce(0, +)
        if tokens > 0 { parts.append("\(tokens) tokens") }
        if case .usd(let money) = set.cost { parts.append(money.formatted) }
        notice = parts.joined(separator: " · ") + (images > 0 ? " · w marks the winner" : "")
        let failures = set.runs.compactMap { run -> [String]? in
            guard case .failed(let title, let lines)? = run.outcome else { return nil }
            return ["v\(run.variant) \(run.label): \(title)"] + lines.map { "  " + $0 }
        }
        if !failures.isEmpty {
            overlays.push(ErrorOverlay(title: "\(Text.count(failures.count, "variant")) of set \(set.number) failed", lines: failures.flatMap { $0 }))
        }
    }
}

extension RunSet {
    /// What the set cost: the sum of its runs', or the first reason one is unknown.
    var cost: Cost {
        var total = Money.zero
        for run in runs {
            switch run.cost {
            case .usd(let money)?: total = total + money
            case .unknown(let why)?: return .unknown(why)
            case nil: continue
            }
        }
        return .usd(total)
    }
}
