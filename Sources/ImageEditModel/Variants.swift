import Foundation

/// One parameter swept over several values, e.g. `quality=low,high`.
public struct Sweep: Equatable, Sendable {
    public var field: EditField
    public var values: [String]

    /// The fields a sweep can vary: the settings, not the files, the prompt or the transport.
    public static let fields: [EditField] = [.model, .size, .quality, .background, .inputFidelity, .n, .outputFormat, .outputCompression]

    public init(field: EditField, values: [String]) {
        self.field = field
        self.values = values
    }

    /// Reads `FIELD=V1,V2,…`.
    public static func parse(_ text: String) throws(VariantError) -> Sweep {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        let names = fields.map(\.rawValue).joined(separator: ", ")
        guard parts.count == 2, let field = EditField(rawValue: parts[0].trimmingCharacters(in: .whitespaces)) else {
            throw .badSweep("\"\(text)\": write FIELD=VALUE1,VALUE2 with FIELD one of \(names)")
        }
        guard fields.contains(field) else { throw .badSweep("\(field.rawValue) cannot be swept; these can: \(names)") }
        let values = parts[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard values.count >= 2 else { throw .badSweep("\(field.rawValue) needs two values or more, comma-separated") }
        guard Set(values).count == values.count else { throw .badSweep("\(field.rawValue) lists a value twice") }
        if [.n, .outputCompression].contains(field), let bad = values.first(where: { Int($0) == nil }) {
            throw .badSweep("\(field.rawValue) takes whole numbers, not \"\(bad)\"")
        }
        return Sweep(field: field, values: values)
    }
}

public enum VariantError: Error, Equatable, Sendable, CustomStringConvertible {
    case badSweep(String)
    case tooMany(Int)
    case noPrompt
    /// Variant N (from 1) has no prompt.
    case emptyVariant(Int)

    public var description: String {
        switch self {
        case .badSweep(let why): "--sweep: \(why)"
        case .tooMany(let count): "\(count) variants: at most \(Variant.limit) (prompts × swept values)"
        case .noPrompt: "give at least one prompt"
        case .emptyVariant(let number): "variant \(number) has no prompt"
        }
    }
}

/// One request of a set sent together: a prompt, or a swept value, or both.
public struct Variant: Equatable, Sendable {
    /// Prompts × swept values, at most.
    public static let limit = 9

    /// 1, 2, …: names its files (`-v1`) and its place in the grid.
    public var number: Int
    public var request: EditRequest
    /// The swept field's value for this variant, when there is a sweep.
    public var swept: (field: EditField, value: String)?
    /// A short label: the swept value, the start of the prompt, or both when a set has
    /// several prompts and a sweep.
    public var label: String

    public init(number: Int, request: EditRequest, swept: (field: EditField, value: String)? = nil, withPrompt: Bool = false) {
        self.number = number
        self.request = request
        self.swept = swept
        let start = Self.start(of: request.prompt)
        guard let swept else {
            label = start
            return
        }
        label = "\(swept.field.rawValue)=\(swept.value)" + (withPrompt ? " · " + start : "")
    }

    public static func == (lhs: Variant, rhs: Variant) -> Bool {
        lhs.number == rhs.number && lhs.request == rhs.request && lhs.swept?.field == rhs.swept?.field && lhs.swept?.value == rhs.swept?.value
            && lhs.label == rhs.label
    }

    /// A prompt's first line, up to 60 characters: enough to tell variants apart, short enough
    /// for a file's sidecar and a line of output.
    static func start(of prompt: String) -> String {
        guard let line = prompt.split(whereSeparator: \.isNewline).first(where: { !$0.allSatisfy(\.isWhitespace) }).map(String.init)
        else { return "empty prompt" }
        return line.count > 60 ? String(line.prefix(59)) + "…" : line
    }

    /// Every prompt with every swept value (each prompt's sweep in a row), numbered from 1.
    public static func expand(_ base: EditRequest, prompts: [String], sweep: Sweep?) throws(VariantError) -> [Variant] {
        guard !prompts.isEmpty else { throw .noPrompt }
        let count = prompts.count * (sweep?.values.count ?? 1)
        guard count <= limit else { throw .tooMany(count) }
        var variants: [Variant] = []
        for prompt in prompts {
            var request = base
            request.prompt = prompt
            guard let sweep else {
                variants.append(Variant(number: variants.count + 1, request: request))
                continue
            }
            for value in sweep.values {
                var swept = request
                swept.set(sweep.field, to: value)
                variants.append(Variant(number: variants.count + 1, request: swept, swept: (sweep.field, value), withPrompt: prompts.count > 1))
            }
        }
        return variants
    }
}

extension EditRequest {
    /// Sets one of the settings a sweep varies (`Sweep.fields`); values are checked by pre-flight.
    mutating func set(_ field: EditField, to value: String) {
        switch field {
        case .model: model = value
        case .size: size = value
        case .quality: quality = value
        case .background: background = value
        case .inputFidelity: inputFidelity = value
        case .n: n = Int(value)
        case .outputFormat: outputFormat = value
        case .outputCompression: outputCompression = Int(value)
        default: break
        }
    }
}

extension PriceTable {
    /// What a set's output images cost before sending: the sum of its variants' estimates, or
    /// the first reason one cannot be estimated.
    public func estimate(_ variants: [Variant]) -> Cost {
        var total = Money.zero
        for variant in variants {
            switch estimate(variant.request) {
            case .usd(let money): total = total + money
            case .unknown(let why): return .unknown("v\(variant.number): " + why)
            }
        }
        return .usd(total)
    }
}
