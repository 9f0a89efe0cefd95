import Foundation
import ImageEditModel
import Raster
import SessionModel

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
              loadedMask: mask?.loaded, parameters: parameters.apiValues, variants: variants.count > 1 ? variants.map(\.text) : [],
              activeVariant: activeVariant, sweep: sweep.map { SweptField(field: $0.field.rawValue, values: $0.values) })
    }

    /// Puts a draft's prompt, parameters and mask into the editor; its sources must already be
    /// loaded (a mask that does not fit the first source is dropped).
    public mutating func restore(_ draft: Draft) {
        let texts = draft.variants.isEmpty ? [draft.prompt] : Array(draft.variants.prefix(Variant.limit))
        variants = texts.map(PromptBuffer.init)
        activeVariant = min(max(0, draft.activeVariant), variants.count - 1)
        variantToDelete = nil
        parameters = Parameters(apiValues: draft.parameters)
        sweep = draft.sweep.flatMap { swept in
            EditField(rawValue: swept.field).flatMap { Sweep.fields.contains($0) ? Sweep(field: $0, values: swept.values) : nil }
        }
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

/// Calendar dates in a time zone, each with the offset in force there on that date (summer
/// time included).
public enum WallClock {
    /// `MM-dd HH:mm` for `seconds` since 1970 in `timeZone`.
    public static func text(_ seconds: Double, in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let date = calendar.dateComponents([.month, .day, .hour, .minute], from: Date(timeIntervalSince1970: seconds))
        func two(_ n: Int?) -> String { let n = n ?? 0; return n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(date.month))-\(two(date.day)) \(two(date.hour)):\(two(date.minute))"
    }
}
