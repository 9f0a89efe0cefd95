import Foundation
import ImageEditModel
import Testing

/// Expected amounts are worked out by hand from the published table (gpt-image-1: $5 text in,
/// $10 image in, $40 image out per million tokens; gpt-image-1-mini: $2, $2.50, $8).
@Suite struct PricingTests {
    let table = PriceTable.published

    func usage(text: Int, image: Int, output: Int, outputText: Int? = nil) -> Usage {
        Usage(inputTokens: text + image, outputTokens: output + (outputText ?? 0), totalTokens: text + image + output + (outputText ?? 0),
              inputTokensDetails: .init(textTokens: text, imageTokens: image),
              outputTokensDetails: outputText.map { Usage.Details(textTokens: $0, imageTokens: output) })
    }

    @Test func theReferenceExampleCostsAQuarterOfACent() {
        // 10 × $5 + 40 × $10 + 50 × $40 per million = $0.00005 + $0.0004 + $0.002.
        let cost = table.cost(of: usage(text: 10, image: 40, output: 50), model: "gpt-image-1")
        #expect(cost == .usd(Money(picodollars: 2_450_000_000)))
        #expect(cost.money?.formatted == "$0.0025")
    }

    @Test func aHighPortraitEditToTheCent() {
        // 1200 × $5 = $0.006; 4160 × $10 = $0.0416; 6240 × $40 = $0.2496; sum $0.2972.
        let cost = table.cost(of: usage(text: 1200, image: 4160, output: 6240), model: "gpt-image-1")
        #expect(cost.money == Money(picodollars: 297_200_000_000))
        #expect(cost.money?.formatted == "$0.2972")
        // Ten of them: 62400 × $40 = $2.496, plus $0.006 and $0.416 of input: $2.918.
        let ten = table.cost(of: usage(text: 1200, image: 41_600, output: 62_400), model: "gpt-image-1")
        #expect(ten.money == Money(dollars: "2.918"))
        #expect(ten.money?.formatted == "$2.92")
    }

    @Test func theMiniModel() {
        // 100 × $2 = $0.0002; 1000 × $2.50 = $0.0025; 272 × $8 = $0.002176; sum $0.004876.
        let cost = table.cost(of: usage(text: 100, image: 1000, output: 272), model: "gpt-image-1-mini")
        #expect(cost.money == Money(dollars: "0.004876"))
        #expect(cost.money?.formatted == "$0.0049")
    }

    @Test func textOutputIsPricedOnlyWhenItHasAPrice() throws {
        let reported = usage(text: 48, image: 0, output: 272, outputText: 209)
        #expect(table.cost(of: reported, model: "gpt-image-1") == .unknown("no price known for the text output of gpt-image-1"))
        let price = ModelPrice(textInput: try #require(Money(dollars: "5")), imageInput: try #require(Money(dollars: "8")),
                               imageOutput: try #require(Money(dollars: "32")), textOutput: Money(dollars: "10"))
        // 48 × $5 = $0.00024; 272 × $32 = $0.008704; 209 × $10 = $0.00209; sum $0.011034.
        #expect(price.cost(of: reported, model: "custom") == .usd(try #require(Money(dollars: "0.011034"))))
    }

    @Test func withoutAPriceOrAUsableUsageTheCostIsUnknown() {
        #expect(table.cost(of: usage(text: 1, image: 1, output: 1), model: "gpt-image-2") == .unknown("no price known for gpt-image-2"))
        #expect(table.cost(of: nil, model: "gpt-image-1") == .unknown("the server reported no usage"))
        let unsplit = Usage(inputTokens: 50, outputTokens: 50, totalTokens: 100)
        #expect(table.cost(of: unsplit, model: "gpt-image-1").money == nil, "text and image input are priced apart")
        let contradictory = Usage(inputTokens: 50, outputTokens: 50, totalTokens: 100, inputTokensDetails: .init(textTokens: 10, imageTokens: 10))
        #expect(table.cost(of: contradictory, model: "gpt-image-1").money == nil)
        let outputOnly = Usage(inputTokens: 0, outputTokens: 100, totalTokens: 100)
        #expect(table.cost(of: outputOnly, model: "gpt-image-1") == .usd(Money(picodollars: 4_000_000_000)), "100 × $40 per million")
    }

    @Test func totalsKeepUnpricedRunsApart() throws {
        var total = CostTotal()
        total.add(.usd(Money(picodollars: 2_450_000_000)))
        total.add(.unknown("no price known for gpt-image-2"))
        total.add(.usd(Money(picodollars: 297_200_000_000)))
        #expect(total.known == Money(dollars: "0.29965"))
        #expect(total.unpricedRuns == 1)
    }

    @Test func amountsOfDollarsAreReadExactly() {
        #expect(Money(dollars: "5.00")?.picodollars == 5_000_000_000_000)
        #expect(Money(dollars: "$0.25")?.picodollars == 250_000_000_000)
        #expect(Money(dollars: "0.000001")?.picodollars == 1_000_000)
        for bad in ["", "-1", "1e3", "1,000", ".5", "5.", "abc", "1.2.3", " 1", "١"] {
            #expect(Money(dollars: bad) == nil, "\(bad)")
        }
        #expect(Money(dollars: "1.0000001", maxDecimals: 6) == nil)
        #expect(Money(dollars: "99999999999") == nil, "over Int64's picodollars")
    }

    @Test func formattingRoundsHalfUpAtTheDigitShown() {
        #expect(Money(picodollars: 1_234_567_000_000).formatted == "$1.23")
        #expect(Money(picodollars: 1_235_000_000_000).formatted == "$1.24")
        #expect(Money(picodollars: 12_345_000_000).formatted == "$0.0123")
        #expect(Money(picodollars: 999_950_000_000).formatted == "$1.00", "what rounds to a dollar reads as one")
        #expect(Money(picodollars: 999_949_999_999).formatted == "$0.9999")
        #expect(Money(picodollars: 42_000_000_000_000).formatted == "$42.00")
        #expect(Money.zero.formatted == "$0", "the local engine")
        #expect(Money(picodollars: 49_999_999).formatted == "<$0.0001", "a cost never reads as nothing")
        #expect(Money(picodollars: 50_000_000).formatted == "$0.0001")
    }

    @Test func jsonHoldsTheExactAmount() throws {
        struct Holder: Encodable { var cost: Money }
        let text = String(decoding: try JSONEncoder().encode(Holder(cost: Money(picodollars: 2_450_000_000))), as: UTF8.self)
        #expect(text == #"{"cost":0.00245}"#)
    }

    @Test func anEstimateIsTheImagesAtThePublishedPricePerImage() {
        var request = EditRequest(images: [], prompt: "p", model: "gpt-image-1", n: 2, quality: "high", size: "1024x1536")
        #expect(table.estimate(request) == .usd(Money(picodollars: 500_000_000_000)), "2 × $0.25")
        request.model = "gpt-image-1-mini"
        request.n = nil
        request.quality = "low"
        request.size = "1024x1024"
        #expect(table.estimate(request).money?.formatted == "$0.0050")
        request.quality = "auto"
        #expect(table.estimate(request).money == nil)
        request.model = nil
        #expect(table.estimate(request) == .unknown("no price known for gpt-image-1.5"))
    }
}
