import ImageEditModel

/// Prices in the config file, one table per model, in US dollars per million tokens:
///
///     [prices."gpt-image-1.5"]
///     text_input = 5.00
///     image_input = 8.00
///     image_output = 32.00
///     text_output = 10.00   # optional: text the model writes beside the image
///
/// A model's table replaces its published price, the per-image prices that estimates use
/// included, or prices a model that has none. The name is quoted when it holds a dot.
extension ConfigFile {
    static let requiredPriceKeys = ["text_input", "image_input", "image_output"]
    static let optionalPriceKeys = ["text_output"]

    /// `base` with the file's `[prices.MODEL]` tables over it; a table that cannot be read is
    /// an error naming the file and the line.
    public func priceTable(over base: PriceTable = .published) throws(ConfigFileError) -> PriceTable {
        var table = base
        for (name, section) in tables.sorted(by: { $0.value.line < $1.value.line }) where name.first == "prices" {
            guard name.count == 2 else {
                throw ConfigFileError(path: path, line: section.line, problem: .invalidTableName("[" + name.joined(separator: ".") + "]"))
            }
            table.prices[name[1]] = try modelPrice(section, header: "prices.\"\(name[1])\"")
        }
        return table
    }

    private func modelPrice(_ section: ConfigTable, header: String) throws(ConfigFileError) -> ModelPrice {
        var rates: [String: Money] = [:]
        for (key, value) in section.values.sorted(by: { section.lines[$0.key] ?? 0 < section.lines[$1.key] ?? 0 }) {
            let line = section.lines[key] ?? section.line
            guard (Self.requiredPriceKeys + Self.optionalPriceKeys).contains(key) else {
                throw ConfigFileError(path: path, line: line, problem: .unknownPriceKey(key))
            }
            guard let rate = Money(dollars: value, maxDecimals: 6) else {
                throw ConfigFileError(path: path, line: line, problem: .badPrice(key: key, value: value))
            }
            rates[key] = rate
        }
        for key in Self.requiredPriceKeys where rates[key] == nil {
            throw ConfigFileError(path: path, line: section.line, problem: .missingPrice(table: header, key: key))
        }
        return ModelPrice(textInput: rates["text_input"]!, imageInput: rates["image_input"]!, imageOutput: rates["image_output"]!,
                          textOutput: rates["text_output"])
    }
}
