extension PriceTable {
    /// When the published prices below were taken.
    public static let publishedPricesDate = "2026-11-30"
    /// Where they were taken from.
    public static let publishedPricesSource =
        "OpenAI's model pages, developers.openai.com/api/docs/models/gpt-image-1 and /gpt-image-1-mini (Pricing)"

    /// OpenAI's published prices, for the models whose prices were found published
    /// (gpt-image-1.5, gpt-image-2, chatgpt-image-latest and dall-e-2 are not among them, so
    /// their runs show tokens only until `config.toml` prices them). Cached input is left out:
    /// the Images API's usage does not say which input tokens were cached.
    public static let published = PriceTable(prices: [
        "gpt-image-1": ModelPrice(
            textInput: dollars("5.00"), imageInput: dollars("10.00"), imageOutput: dollars("40.00"),
            perImage: perImage(low: ("0.011", "0.016"), medium: ("0.042", "0.063"), high: ("0.167", "0.25"))),
        "gpt-image-1-mini": ModelPrice(
            textInput: dollars("2.00"), imageInput: dollars("2.50"), imageOutput: dollars("8.00"),
            perImage: perImage(low: ("0.005", "0.006"), medium: ("0.011", "0.015"), high: ("0.036", "0.052"))),
    ])

    private static func dollars(_ text: String) -> Money {
        guard let money = Money(dollars: text) else { preconditionFailure("\(text) is not an amount of dollars") }
        return money
    }

    /// Per-image prices as published: a square image, then portrait and landscape (which cost
    /// the same), for each quality.
    private static func perImage(low: (String, String), medium: (String, String), high: (String, String)) -> [String: Money] {
        var table: [String: Money] = [:]
        for (quality, prices) in [("low", low), ("medium", medium), ("high", high)] {
            table["\(quality) 1024x1024"] = dollars(prices.0)
            table["\(quality) 1024x1536"] = dollars(prices.1)
            table["\(quality) 1536x1024"] = dollars(prices.1)
        }
        return table
    }
}
