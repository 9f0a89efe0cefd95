/// What one model charges, in US dollars per million tokens.
public struct ModelPrice: Equatable, Sendable {
    public var textInput: Money
    public var imageInput: Money
    public var imageOutput: Money
    /// Text the model writes beside the image; nil when not priced, and then a run that
    /// reports such tokens has no known cost.
    public var textOutput: Money?
    /// The published price of one output image, keyed `"quality size"` (`"low 1024x1024"`):
    /// what an estimate before sending is made of.
    public var perImage: [String: Money]

    /// Each rate must be a whole number of picodollars per token (at most six decimals per
    /// million tokens), so that a cost is an exact product.
    public init(textInput: Money, imageInput: Money, imageOutput: Money, textOutput: Money? = nil, perImage: [String: Money] = [:]) {
        for rate in [textInput, imageInput, imageOutput, textOutput ?? .zero] {
            precondition(rate.picodollars % 1_000_000 == 0, "a price per million tokens has at most six decimals")
        }
        self.textInput = textInput
        self.imageInput = imageInput
        self.imageOutput = imageOutput
        self.textOutput = textOutput
        self.perImage = perImage
    }

    /// The cost of `usage` at these rates, or why it cannot be known.
    public func cost(of usage: Usage, model: String) -> Cost {
        guard let counts = TokenCounts(usage) else {
            return .unknown("the reported usage does not split into text and image tokens")
        }
        if counts.outputText > 0 && textOutput == nil {
            return .unknown("no price known for the text output of \(model)")
        }
        let parts = [(counts.inputText, textInput), (counts.inputImage, imageInput), (counts.outputImage, imageOutput),
                     (counts.outputText, textOutput ?? .zero)]
        var total: Int64 = 0
        for (tokens, rate) in parts {
            let (product, overflow) = Int64(tokens).multipliedReportingOverflow(by: rate.picodollars / 1_000_000)
            guard !overflow, total <= Int64.max - product else { return .unknown("the reported usage is too large to price") }
            total += product
        }
        return .usd(Money(picodollars: total))
    }
}

/// The tokens of a usage, by kind, as they are priced.
struct TokenCounts: Equatable {
    var inputText: Int
    var inputImage: Int
    var outputText: Int
    var outputImage: Int

    /// Nil when the input tokens are not split into text and image (they are priced apart), or
    /// when the parts contradict the totals.
    init?(_ usage: Usage) {
        let input = usage.inputTokens
        switch (usage.inputTokensDetails?.textTokens, usage.inputTokensDetails?.imageTokens) {
        case (nil, nil):
            guard (input ?? 0) == 0 else { return nil }
            inputText = 0
            inputImage = 0
        case let (text, image):
            inputText = text ?? (input ?? 0) - (image ?? 0)
            inputImage = image ?? (input ?? 0) - (text ?? 0)
        }
        // Without details, every output token is an image token (gpt-image-1 reports only those).
        outputText = usage.outputTokensDetails?.textTokens ?? 0
        outputImage = usage.outputTokensDetails?.imageTokens ?? (usage.outputTokens ?? 0) - outputText
        let counts = [inputText, inputImage, outputText, outputImage]
        guard counts.allSatisfy({ $0 >= 0 }), input.map({ $0 == inputText + inputImage }) ?? true,
              usage.outputTokens.map({ $0 == outputText + outputImage }) ?? true else { return nil }
    }
}

/// What a run or an estimate costs in dollars, or why that is not known.
public enum Cost: Equatable, Sendable {
    case usd(Money)
    /// The reason, e.g. "no price known for gpt-image-2".
    case unknown(String)

    public var money: Money? {
        if case .usd(let money) = self { return money }
        return nil
    }

    public var unknownReason: String? {
        if case .unknown(let reason) = self { return reason }
        return nil
    }
}

/// Costs added up: the dollars of the runs whose cost is known, and how many are not.
public struct CostTotal: Equatable, Sendable {
    public var known = Money.zero
    public var unpricedRuns = 0

    public init() {}

    public mutating func add(_ cost: Cost) {
        switch cost {
        case .usd(let money): known = known + money
        case .unknown: unpricedRuns += 1
        }
    }
}

/// Prices per model, looked up by the model's exact name.
public struct PriceTable: Equatable, Sendable {
    public var prices: [String: ModelPrice]

    public init(prices: [String: ModelPrice]) {
        self.prices = prices
    }

    /// The cost of a run of `model` that reported `usage`.
    public func cost(of usage: Usage?, model: String) -> Cost {
        guard let price = prices[model] else { return .unknown("no price known for \(model)") }
        guard let usage else { return .unknown("the server reported no usage") }
        return price.cost(of: usage, model: model)
    }

    /// The cost of a run: nothing on Retouch's own local engine, else the table's price.
    public func cost(of usage: Usage?, model: String, local: Bool) -> Cost {
        local ? .usd(.zero) : cost(of: usage, model: model)
    }

    /// The output images of a request before it is sent: `n` images at the published price per
    /// image of that quality and size. The input (prompt and source images) adds to it.
    public func estimate(_ request: EditRequest) -> Cost {
        let model = request.effectiveModel
        guard let price = prices[model] else { return .unknown("no price known for \(model)") }
        guard let quality = request.quality, let size = request.size, quality != "auto", size != "auto" else {
            return .unknown("the server chooses the quality or size")
        }
        guard let each = price.perImage["\(quality) \(size)"] else {
            return .unknown("no published price for one \(quality) \(size) image of \(model)")
        }
        return .usd(Money(picodollars: each.picodollars * Int64(max(1, request.n ?? 1))))
    }
}
