import ImageEditModel
import SessionModel

extension RunSet {
    /// A set of an earlier launch, as the store kept it, back in the grid: its tiles show the
    /// results still on disk (`results`, the editor's), its winner stays marked.
    init(resuming past: PastSet, number: Int, results: [ResultItem], prices: PriceTable) {
        let runs = zip(past.runs, past.variants).map { run, variant in
            var progress = RunProgress(variant)
            progress.started = run.started
            progress.finished = run.finished ?? run.started
            progress.outcome = Self.outcome(of: run)
            progress.status = run.status.rawValue
            progress.tokens = run.totalTokens
            progress.cost = prices.cost(of: run)
            progress.results = run.results.compactMap { path in results.firstIndex { $0.path == path } }
            progress.images = progress.results.count
            return progress
        }
        self.init(number: number, runs: runs, sweptField: past.sweptEditField,
                  winner: past.runs.first { $0.variant?.isWinner == true }?.variant?.number)
    }

    private static func outcome(of run: PastRun) -> RunOutcome {
        switch run.status {
        case .completed: .completed(totalTokens: run.totalTokens)
        case .failed: .failed(title: run.error ?? "failed", lines: [])
        case .cancelled, .interrupted, .running: .cancelled
        }
    }
}

extension PastSet {
    /// The field swept, when the set is a sweep.
    public var sweptEditField: EditField? { sweptField.flatMap(EditField.init(rawValue:)) }

    /// The set's variants as they were sent, in order: each run's request, its swept value,
    /// and its label (which names the prompt when the set has several).
    public var variants: [Variant] {
        let field = sweptEditField
        let severalPrompts = Set(runs.map(\.prompt)).count > 1
        return runs.enumerated().map { i, run in
            Variant(number: run.variant?.number ?? i + 1, request: run.request,
                    swept: field.flatMap { field in run.parameters[field.rawValue].map { (field, $0) } }, withPrompt: severalPrompts)
        }
    }
}

extension PastRun {
    /// The request the run sent, without its mask (the store keeps the mask PNG apart).
    public var request: EditRequest {
        Parameters(apiValues: parameters).request(images: sources.map { InputImage(path: $0.path) }, mask: nil, prompt: prompt)
    }
}
