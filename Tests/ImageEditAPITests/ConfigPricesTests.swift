import ImageEditAPI
import ImageEditModel
import Testing

@Suite struct ConfigPricesTests {
    func problem(_ text: String) -> ConfigFileError? {
        do throws(ConfigFileError) {
            _ = try ConfigFile(text: text, path: "/c/config.toml").priceTable()
            return nil
        } catch {
            return error
        }
    }

    @Test func aTablePricesAModelAndReplacesAPublishedPrice() throws {
        let table = try ConfigFile(text: """
            base_url = "http://127.0.0.1:9/v1"
            [prices."gpt-image-1.5"]
            text_input = 5.00
            image_input = "8"
            image_output = 32.000001   # six decimals at most
            text_output = 10

            [prices.gpt-image-1]
            text_input = 1
            image_input = 2
            image_output = 3
            """).priceTable()
        let custom = try #require(table.prices["gpt-image-1.5"])
        #expect(custom.textInput == Money(picodollars: 5_000_000_000_000))
        #expect(custom.imageInput == Money(picodollars: 8_000_000_000_000))
        #expect(custom.imageOutput == Money(picodollars: 32_000_001_000_000))
        #expect(custom.textOutput == Money(picodollars: 10_000_000_000_000))
        let replaced = try #require(table.prices["gpt-image-1"])
        #expect(replaced.imageOutput == Money(picodollars: 3_000_000_000_000) && replaced.perImage.isEmpty)
        #expect(table.prices["gpt-image-1-mini"] == PriceTable.published.prices["gpt-image-1-mini"], "the rest stays published")
        // 48 × $5 + 272 × $32.000001 + 209 × $10 per million: $0.00024 + $0.008704000272 + $0.00209.
        let usage = Usage(inputTokens: 48, outputTokens: 481, totalTokens: 529, inputTokensDetails: .init(textTokens: 48, imageTokens: 0),
                          outputTokensDetails: .init(textTokens: 209, imageTokens: 272))
        #expect(table.cost(of: usage, model: "gpt-image-1.5") == .usd(Money(picodollars: 11_034_000_272)))
    }

    @Test func withoutPriceTablesThePublishedPricesStand() throws {
        #expect(try ConfigFile(text: "base_url = 'x'\n[other]\na = 1").priceTable() == .published)
    }

    @Test func aBadPriceNamesTheFileAndTheLine() {
        let bad = problem("[prices.m]\ntext_input = 5\nimage_input = five\nimage_output = 1")
        #expect(bad == ConfigFileError(path: "/c/config.toml", line: 3, problem: .badPrice(key: "image_input", value: "five")))
        #expect(bad?.description.hasPrefix("/c/config.toml:3: image_input = 'five' is not a price") == true)
        #expect(problem("[prices.m]\ntext_input = -1\nimage_input = 1\nimage_output = 1")?.line == 2)
        #expect(problem("[prices.m]\ntext_input = 0.0000001\nimage_input = 1\nimage_output = 1")?.problem
                == .badPrice(key: "text_input", value: "0.0000001"), "under a picodollar per token")
        #expect(problem("[prices.m]\ntext_input = 1\nimage_input = 1\nimage_output = 1\ncached_input = 1")
                == ConfigFileError(path: "/c/config.toml", line: 5, problem: .unknownPriceKey("cached_input")))
        #expect(problem("# prices\n[prices.m]\ntext_input = 1\nimage_output = 1")
                == ConfigFileError(path: "/c/config.toml", line: 2, problem: .missingPrice(table: "prices.\"m\"", key: "image_input")))
        #expect(problem("[prices]\ntext_input = 1")?.problem == .invalidTableName("[prices]"))
        #expect(problem("[prices.gpt-image-1.5]\ntext_input = 1")?.problem == .invalidTableName("[prices.gpt-image-1.5]"),
                "an unquoted dot splits the name")
    }
}
