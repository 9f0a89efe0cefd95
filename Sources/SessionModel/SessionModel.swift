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

    public init(prompt: String = "", sources: [String] = [], maskRects: [PixelRect] = [], maskInverted: Bool = false,
                loadedMask: RGBAImage? = nil, parameters: [String: String] = [:]) {
        self.prompt = prompt
        self.sources = sources
        self.maskRects = maskRects
        self.maskInverted = maskInverted
        self.loadedMask = loadedMask
        self.parameters = parameters
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

    public init(id: Int64, sessionID: String, started: Double, finished: Double? = nil, status: Status, prompt: String,
                parameters: [String: String], sources: [SourceReference], maskRects: [PixelRect], maskInverted: Bool,
                hasLoadedMask: Bool, backend: String, error: String? = nil, inputTokens: Int? = nil, outputTokens: Int? = nil,
                totalTokens: Int? = nil, results: [String] = [], inputTextTokens: Int? = nil, inputImageTokens: Int? = nil,
                outputTextTokens: Int? = nil, outputImageTokens: Int? = nil) {
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
    }
}
