import ArgumentParser
import ImageEditAPI
import ImageEditModel

extension ConfigFile {
    /// The published prices with the file's `[prices.MODEL]` tables over them, or, for a table
    /// it cannot read, that problem on one line and exit status 2.
    func priceTableOrExit() throws -> PriceTable {
        do {
            return try priceTable()
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
    }
}

/// How the runs of one model on one backend are priced: the offline local engine costs
/// nothing; anything else is priced by the model's name.
struct RunPricing {
    var table: PriceTable
    var model: String
    var isLocal: Bool

    func cost(of usage: Usage?) -> Cost {
        table.cost(of: usage, model: model, local: isLocal)
    }

    /// `tokens: 50 in (10 text, 40 image), 50 out · $0.0025`, or the tokens and why no cost.
    static func summary(of usage: Usage?, cost: Cost) -> String {
        guard let usage else { return "no usage reported" + (cost.money.map { " · \($0.formatted)" } ?? "") }
        var tokens = "tokens: \(usage.inputTokens.map(String.init) ?? "?") in"
        if let text = usage.inputTokensDetails?.textTokens, let image = usage.inputTokensDetails?.imageTokens {
            tokens += " (\(text) text, \(image) image)"
        }
        tokens += ", \(usage.outputTokens.map(String.init) ?? "?") out"
        switch cost {
        case .usd(let money): return tokens + " · " + money.formatted
        case .unknown(let reason): return tokens + " · tokens only: " + reason
        }
    }
}
