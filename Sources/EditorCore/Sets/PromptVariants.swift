import Foundation
import ImageEditModel

extension EditorState {
    /// The variant being edited.
    public var prompt: PromptBuffer {
        get { variants[activeVariant] }
        set { variants[activeVariant] = newValue }
    }

    /// Add, duplicate, delete and switch prompt variants (the prompt panel's keys).
    mutating func variantAction(_ action: Action) {
        if action != .deleteVariant { variantToDelete = nil }
        switch action {
        case .newVariant, .duplicateVariant:
            guard variants.count < Variant.limit else {
                notice = "At most \(Variant.limit) variants"
                return
            }
            let copy = action == .duplicateVariant ? PromptBuffer(prompt.text) : PromptBuffer()
            variants.insert(copy, at: activeVariant + 1)
            activeVariant += 1
            recall.index = nil
            notice = "Variant \(activeVariant + 1) of \(variants.count)" + (action == .duplicateVariant ? ": a copy to vary" : "")
        case .deleteVariant: deleteVariant()
        case .switchVariant(let delta):
            guard variants.count > 1 else {
                notice = "One prompt: Ctrl-T adds a variant"
                return
            }
            activeVariant = (activeVariant + delta + variants.count) % variants.count
            recall.index = nil
        default: break
        }
    }

    /// Deletes the variant being edited; one with text only when asked twice.
    private mutating func deleteVariant() {
        guard variants.count > 1 else {
            notice = "The only prompt cannot be deleted"
            return
        }
        if !prompt.isEmpty && variantToDelete != activeVariant {
            variantToDelete = activeVariant
            notice = "Ctrl-X again deletes variant \(activeVariant + 1) and its text"
            return
        }
        variantToDelete = nil
        variants.remove(at: activeVariant)
        activeVariant = min(activeVariant, variants.count - 1)
        notice = "Deleted; \(Text.count(variants.count, "variant")) left"
    }

    /// The selected parameter's value joins the sweep, or leaves it; a sweep of another field
    /// is replaced.
    mutating func toggleSweptValue() {
        let field = parameters.selected
        guard let value = parameters.values[field] else {
            notice = "\"default\" sends nothing and cannot be swept: choose a value with ←→, then s"
            return
        }
        guard Sweep.fields.contains(field.apiField) else {
            notice = "\(field.rawValue) cannot be swept; these can: " + Sweep.fields.map(\.rawValue).joined(separator: ", ")
            return
        }
        var values = sweep?.field == field.apiField ? sweep!.values : []
        if sweep != nil && sweep?.field != field.apiField { notice = "The sweep of \(sweep!.field.rawValue) gave way to \(field.rawValue)" }
        if let i = values.firstIndex(of: value) { values.remove(at: i) } else { values.append(value) }
        sweep = values.isEmpty ? nil : Sweep(field: field.apiField, values: values)
        if notice == nil, let sweep {
            let count = sweep.values.count * variants.count
            notice = sweep.values.count == 1 ? "\(field.rawValue) swept over \(value): choose another value and press s"
                : "\(field.rawValue) swept over \(sweep.values.joined(separator: ", ")): \(Text.count(count, "variant"))"
                    + (count > Variant.limit ? ", over the \(Variant.limit) a set can hold: remove a value or a prompt" : "")
        }
    }

    mutating func clearSweep() {
        notice = sweep == nil ? "No sweep to clear" : "Sweep cleared"
        sweep = nil
    }

    /// What Ctrl-S would send: every prompt variant with every swept value, numbered from 1,
    /// or what is in the way.
    var variantsToSend: Result<[Variant], VariantError> {
        if variants.count > 1, let empty = variants.firstIndex(where: { $0.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
            return .failure(.emptyVariant(empty + 1))
        }
        if let sweep, sweep.values.count < 2 { return .failure(.badSweep("\(sweep.field.rawValue) has one value: add another (s) or clear it (S)")) }
        let base = pendingRequest.request
        return Result { () throws(VariantError) in try Variant.expand(base, prompts: variants.map(\.text), sweep: sweep) }
    }

    /// A winner's prompt and settings become the editor's: one prompt, no sweep.
    mutating func adopt(_ run: RunProgress) {
        variants = [PromptBuffer(run.request.prompt)]
        activeVariant = 0
        variantToDelete = nil
        sweep = nil
        parameters = Parameters(request: run.request, selected: parameters.selected)
    }
}

extension Parameters {
    /// The settings a request was sent with.
    public init(request: EditRequest, selected: Field = .model) {
        self.init()
        self.selected = selected
        values = [.model: request.effectiveModel]
        values[.size] = request.size
        values[.quality] = request.quality
        values[.background] = request.background
        values[.outputFormat] = request.outputFormat
        values[.outputCompression] = request.outputCompression.map(String.init)
        values[.inputFidelity] = request.inputFidelity
        values[.n] = request.n.map(String.init)
        values[.partialImages] = request.partialImages.map(String.init)
        if !ModelRules.forModel(model).streaming { values[.partialImages] = nil }
    }
}
