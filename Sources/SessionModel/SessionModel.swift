import Raster

/// The work in progress, kept between launches: enough to rebuild the editor's inputs.
public struct Draft: Equatable, Sendable {
    public var prompt: String
    /// Source paths, the first one edited.
    public var sources: [String]
    public var maskRects: [PixelRect]
    public var maskInverted: Bool
    /// A mask loaded from a PNG, the first source's size.
    public var loadedMask: RGBAImage?
    /// API field name → value; a field left out is sent as the server's default.
    public var parameters: [String: String]
    /// Every prompt variant, in order, when there are several (`prompt` is the one being
    /// edited, at `activeVariant`); empty with a single prompt.
    public var variants: [String]
    public var activeVariant: Int
    /// One parameter swept over several values (API field name and values), if any.
    public var sweep: SweptField?

    public init(prompt: String = "", sources: [String] = [], maskRects: [PixelRect] = [], maskInverted: Bool = false,
                loadedMask: RGBAImage? = nil, parameters: [String: String] = [:], variants: [String] = [], activeVariant: Int = 0,
                sweep: SweptField? = nil) {
        self.prompt = prompt
        self.sources = sources
        self.maskRects = maskRects
        self.maskInverted = maskInverted
        self.loadedMask = loadedMask
        self.parameters = parameters
        self.variants = variants
        self.activeVariant = activeVariant
        self.sweep = sweep
    }
}

/// A parameter sent with several values, one variant each: its API field name and the values.
public struct SweptField: Equatable, Sendable, Codable {
    public var field: String
    public var values: [String]

    public init(field: String, values: [String]) {
        self.field = field
        self.values = values
    }
}

/// A run's place in a variant set: several requests sent together to be compared.
public struct VariantTag: Equatable, Sendable {
    /// The set's id in the session store.
    public var set: Int64
    /// 1, 2, …: the variant's number in its set.
    public var number: Int
    /// The start of its prompt, or the swept value (`quality=high`).
    public var label: String
    /// It was chosen as its set's winner.
    public var isWinner: Bool

    public init(set: Int64, number: Int, label: String, isWinner: Bool = false) {
        self.set = set
        self.number = number
        self.label = label
        self.isWinner = isWinner
    }
}

/// A variant set as the session store keeps it: its runs, by variant number, and the one
/// chosen as the winner, if any.
public struct PastSet: Equatable, Sendable {
    public var id: Int64
    public var sessionID: String
    /// Seconds since 1970.
    public var started: Double
    /// The API field swept, when the set is a sweep.
    public var sweptField: String?
    /// The winning run's id.
    public var winner: Int64?
    public var runs: [PastRun]

    public init(id: Int64, sessionID: String, started: Double, sweptField: String?, winner: Int64?, runs: [PastRun]) {
        self.id = id
        self.sessionID = sessionID
        self.started = started
        self.sweptField = sweptField
        self.winner = winner
        self.runs = runs
    }
}

/// A source as a run used it: where it was and what it held.
public struct SourceReference: Equatable, Sendable, Codable {
    public var path: String
    /// SHA-256 of the file's bytes, hex; tells whether the file changed since. Nil: the file
    /// could not be read when the run was sent.
    public var sha256: String?

    public init(path: String, sha256: String?) {
        self.path = path
        self.sha256 = sha256
    }

    public var isReadable: Bool { sha256 != nil }
}

/// One edit sent from the editor, as the session store keeps it.
public struct PastRun: Equatable, Sendable {
    public enum Status: String, Sendable, CaseIterable {
        case running, completed, failed, cancelled
        /// The editor went away (a dropped connection) while it ran.
        case interrupted
    }

    public var id: Int64
    public var sessionID: String
    /// Seconds since 1970.
    public var started: Double
    public var finished: Double?
    public var status: Status
    public var prompt: String
    public var parameters: [String: String]
    public var sources: [SourceReference]
    public var maskRects: [PixelRect]
    public var maskInverted: Bool
    /// The run's mask came (partly) from a loaded PNG, kept in the store.
    public var hasLoadedMask: Bool
    public var backend: String
    public var error: String?
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var totalTokens: Int?
    /// How the tokens split into text and image, as the API reported it (priced apart).
    public var inputTextTokens: Int?
    public var inputImageTokens: Int?
    public var outputTextTokens: Int?
    public var outputImageTokens: Int?
    /// Result files, in the order they arrived.
    public var results: [String]
    /// The set the run was sent in, with other variants; nil for a run sent alone.
    public var variant: VariantTag?

    public init(id: Int64, sessionID: String, started: Double, finished: Double? = nil, status: Status, prompt: String,
                parameters: [String: String], sources: [SourceReference], maskRects: [PixelRect], maskInverted: Bool,
                hasLoadedMask: Bool, backend: String, error: String? = nil, inputTokens: Int? = nil, outputTokens: Int? = nil,
                totalTokens: Int? = nil, results: [String] = [], inputTextTokens: Int? = nil, inputImageTokens: Int? = nil,
                outputTextTokens: Int? = nil, outputImageTokens: Int? = nil, variant: VariantTag? = nil) {
        self.id = id
        self.sessionID = sessionID
        self.started = started
        self.finished = finished
        self.status = status
        self.prompt = prompt
        self.parameters = parameters
        self.sources = sources
        self.maskRects = maskRects
        self.maskInverted = maskInverted
        self.hasLoadedMask = hasLoadedMask
        self.backend = backend
        self.error = error
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.totalTokens = totalTokens
        self.results = results
        self.inputTextTokens = inputTextTokens
        self.inputImageTokens = inputImageTokens
        self.outputTextTokens = outputTextTokens
        self.outputImageTokens = outputImageTokens
        self.variant = variant
    }
}
