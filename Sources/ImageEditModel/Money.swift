import Foundation

/// An amount of US dollars, exact: a whole number of picodollars (10⁻¹² USD). A price of at
/// most six decimals per million tokens is a whole number of picodollars per token, so a cost
/// is an exact product and sums never drift as binary fractions would.
public struct Money: Equatable, Hashable, Comparable, Sendable {
    public static let picodollarsPerDollar: Int64 = 1_000_000_000_000
    public static let zero = Money(picodollars: 0)

    public var picodollars: Int64

    public init(picodollars: Int64) {
        self.picodollars = picodollars
    }

    /// `"5"`, `"5.00"`, `"0.25"`, `"$2.50"`: dollars with at most 12 decimals; nil for anything
    /// else (signs, exponents and separators included).
    public init?(dollars text: String, maxDecimals: Int = 12) {
        var digits = Substring(text)
        if digits.first == "$" { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count > 1 ? parts[1] : ""
        guard !whole.isEmpty, fraction.count <= maxDecimals, parts.count == 1 || !fraction.isEmpty,
              (whole + fraction).allSatisfy({ $0.isASCII && $0.isNumber }),
              let dollars = Int64(whole), let fractionPicodollars = Int64(String(fraction) + String(repeating: "0", count: 12 - fraction.count)) else {
            return nil
        }
        let (scaled, overflow) = dollars.multipliedReportingOverflow(by: Self.picodollarsPerDollar)
        guard !overflow, scaled <= Int64.max - fractionPicodollars else { return nil }
        picodollars = scaled + fractionPicodollars
    }

    public static func + (a: Money, b: Money) -> Money {
        Money(picodollars: a.picodollars + b.picodollars)
    }

    public static func < (a: Money, b: Money) -> Bool { a.picodollars < b.picodollars }

    /// The exact amount in dollars, for JSON (`0.01088`, not a binary approximation of it).
    public var dollars: Decimal {
        Decimal(sign: picodollars < 0 ? .minus : .plus, exponent: -12, significand: Decimal(picodollars.magnitude))
    }

    /// `$1.23` from a dollar up; `$0.0123` below, where cents alone would hide most of it.
    /// Rounded half up at the last digit shown; what rounds to a dollar at four decimals is
    /// shown as a dollar.
    /// `$0` for nothing, `<$0.0001` for less than shows at four decimals, then `$0.0123`, and
    /// from a dollar up `$1.23`.
    public var formatted: String {
        if picodollars == 0 { return "$0" }
        if picodollars > 0 && picodollars < 50_000_000 { return "<$0.0001" }
        let decimals = picodollars >= Self.picodollarsPerDollar - 50_000_000 ? 2 : 4
        return "$" + Self.fixed(picodollars, decimals: decimals)
    }

    /// `picodollars` as dollars with `decimals` digits after the point, rounded half up.
    static func fixed(_ picodollars: Int64, decimals: Int) -> String {
        var unit: Int64 = 1
        for _ in 0..<(12 - decimals) { unit *= 10 }
        let rounded = (picodollars.magnitude + UInt64(unit / 2)) / UInt64(unit)
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let fraction = String(rounded % scale)
        let sign = picodollars < 0 && rounded > 0 ? "-" : ""
        return sign + String(rounded / scale) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
}

extension Money: Codable {
    /// A JSON number holding the exact dollars.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(dollars)
    }

    /// Dollars as a JSON number, read without passing through a binary fraction.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let dollars = try container.decode(Decimal.self)
        guard dollars >= 0, let money = Money(dollars: "\(dollars)") else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(dollars) is not an amount of dollars")
        }
        self = money
    }
}
