import ImageEditModel
import SessionModel

extension RunSet {
    /// A set of an earlier launch, as the store kept it, back in the grid: its tiles show the
    /// results still on disk (`results`, the editor's), its winner stays marked.
    init(resuming past: PastSet, number: Int, results: [ResultItem], prices: PriceTable) {
        let field = past.sweptField.flatMap(EditField.init(rawValue:))
        let severalPrompts = Set(past.runs.map(\.prompt)).count > 1
        let runs = past.runs.enumerated().map { i, run in
            let swept = field.flatMap { field in run.parameters[field.rawValue].map { (field, $0) } }
            var progress = RunProgress(Variant(number: run.variant?.number ?? i + 1, request: run.request, swept: swept, withPrompt: severalPrompts))
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
        self.init(number: number, runs: runs, sweptField: field,
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
