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
    /// SHA-256 of the file's bytes, hex; tells whether the file changed since.
    public var sha256: String

    public init(path: String, sha256: String) {
        self.path = path
        self.sha256 = sha256
    }
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
    /// Result files, in the order they arrived.
    public var results: [String]

    public init(id: Int64, sessionID: String, started: Double, finished: Double? = nil, status: Status, prompt: String,
                parameters: [String: String], sources: [SourceReference], maskRects: [PixelRect], maskInverted: Bool,
                hasLoadedMask: Bool, backend: String, error: String? = nil, inputTokens: Int? = nil, outputTokens: Int? = nil,
                totalTokens: Int? = nil, results: [String] = []) {
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
    }
}

/// The history panel: past runs, newest first, filtered by words of their prompts.
public struct HistoryBrowser: Equatable, Sendable {
    public var runs: [PastRun] = []
    public var selected = 0
    /// The highlighted result of the selected run.
    public var result = 0
    public var filter = PromptBuffer()
    /// Keys go to the filter while it is being typed.
    public var typingFilter = false
    /// Runs of every session, or only this one's.
    public var allSessions = false
    public var loading = true
    /// The highlighted result's picture, read on demand.
    public var details: FilePicker.Details?

    public init() {}

    public var current: PastRun? { runs.indices.contains(selected) ? runs[selected] : nil }

    public var currentResult: String? {
        guard let run = current, run.results.indices.contains(result) else { return nil }
        return run.results[result]
    }
}

extension Parameters {
    /// Settings from API field names and values; unknown names and values are left out.
    public init(apiValues: [String: String]) {
        self.init()
        values = [:]
        for (name, value) in apiValues {
            if let field = Field(rawValue: name) { values[field] = value }
        }
        if values[.model] == nil { values[.model] = Parameters().model }
    }

    public var apiValues: [String: String] {
        Dictionary(uniqueKeysWithValues: values.map { ($0.key.rawValue, $0.value) })
    }
}

extension EditorState {
    public var draft: Draft {
        Draft(prompt: prompt.text, sources: sources.map(\.path), maskRects: mask?.rects ?? [], maskInverted: mask?.inverted ?? false,
              loadedMask: mask?.loaded, parameters: parameters.apiValues)
    }

    /// Puts a draft's prompt, parameters and mask into the editor; its sources must already be
    /// loaded (a mask that does not fit the first source is dropped).
    public mutating func restore(_ draft: Draft) {
        prompt.replace(with: draft.prompt)
        parameters = Parameters(apiValues: draft.parameters)
        guard let first = sources.first, var mask else { return }
        mask.rects = draft.maskRects.filter { $0.maxX <= first.width && $0.maxY <= first.height && !$0.isEmpty }
        mask.inverted = draft.maskInverted
        mask.selected = nil
        if let loaded = draft.loadedMask, loaded.width == first.width, loaded.height == first.height {
            mask.load(loaded, previewWidth: first.preview.width, previewHeight: first.preview.height)
        } else {
            mask.loaded = nil
            mask.loadedPreview = nil
        }
        self.mask = mask
    }
}

/// Calendar dates without a time-zone database: the runtime gives the offset.
public enum WallClock {
    /// `MM-dd HH:mm` for `seconds` since 1970 at `offset` seconds east of UTC.
    public static func text(_ seconds: Double, offset: Int) -> String {
        let local = Int((seconds + Double(offset)).rounded(.down))
        let days = Int((Double(local) / 86_400).rounded(.down)), minutes = (local - days * 86_400) / 60
        // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shifted + 2) / 5 + 1
        let month = shifted < 10 ? shifted + 3 : shifted - 9
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(month))-\(two(day)) \(two(minutes / 60)):\(two(minutes % 60))"
    }
}
