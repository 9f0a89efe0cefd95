import Foundation
import ImageEditModel
import Raster

extension EditorState {
    /// The request the editor would send now, and what pre-flight says of it.
    public var pendingRequest: (request: EditRequest, violations: [Violation]) {
        let hasMask = mask?.isEmpty == false
        let request = parameters.request(images: sources.map { InputImage(path: $0.path) },
                                         mask: hasMask ? InputImage(bytes: [], filename: "mask.png") : nil, prompt: prompt.text)
        var maskFacts: InputFacts?
        if hasMask, let first = sources.first {
            // The mask is made to the rules, a PNG with alpha the first image's size. Its bytes
            // exist only once it is encoded for sending; the client checks their size then.
            maskFacts = InputFacts(name: "mask", byteCount: 0,
                                   header: .success(ImageHeader(format: .png, width: first.width, height: first.height, channels: .rgba)))
        }
        return (request, Preflight.check(request, images: sources.map(\.facts), mask: maskFacts))
    }

    /// Ctrl-S: one run at a time, and only a request the model's rules allow.
    mutating func send() -> [Effect] {
        if run != nil {
            notice = "An edit is already running (Esc cancels it)"
            return []
        }
        let (request, violations) = pendingRequest
        if !violations.isEmpty {
            overlays.push(ErrorOverlay(title: "Not sent: the request breaks the model's rules", lines: violations.map(\.description)))
            return []
        }
        run = RunProgress(started: now)
        if recall.sent.last != prompt.text { recall.sent.append(prompt.text) }
        recall.index = nil
        var sent = request
        sent.mask = nil
        return [.send(sent, mask: mask?.image(), draft: draft)]
    }

    mutating func apply(_ event: RunEvent) {
        guard var run else { return }
        switch event {
        case .status(let text): if !run.cancelling { run.status = text }
        case .received(let bytes): run.bytes = bytes
        case .engine(let note): run.engine = note
        case .cost(let cost): run.cost = cost
        case .partial(let image):
            run.partials += 1
            preview = .partial(image)
        case .saved(let item):
            run.images += 1
            results.append(item)
            preview = .result(results.count - 1)
        }
        self.run = run
    }

    mutating func finish(_ outcome: RunOutcome) {
        let images = run?.images ?? 0
        if case .usd(let money)? = run?.cost { sessionCost = sessionCost + money }
        // "local; understood: sepia; ignored: boat" → "understood: sepia; ignored: boat".
        let engine = run?.engine.map { " · " + ($0.hasPrefix("local; ") ? String($0.dropFirst(7)) : $0) } ?? ""
        run = nil
        switch outcome {
        case .completed(let tokens):
            notice = "Done: \(images) image\(images == 1 ? "" : "s") saved" + (tokens.map { ", \($0) tokens" } ?? "") + engine
            sessionTokens += tokens ?? 0
            // Several images: see them side by side, the run's first selected.
            if images > 1 { preview = .gallery(selected: results.count - images) }
        case .failed(let title, let lines):
            overlays.push(ErrorOverlay(title: title, lines: lines + (images > 0 ? ["\(images) image(s) that arrived were saved."] : [])))
            if case .partial = preview { preview = .source }
        case .cancelled:
            notice = "Cancelled" + (images > 0 ? "; \(images) image(s) saved" : "")
            if case .partial = preview { preview = .source }
        }
    }

    /// The mask belongs to the first source: a new first source of another size starts a new mask.
    mutating func firstSourceChanged() {
        guard let first = sources.first else { return }
        if mask?.imageWidth != first.width || mask?.imageHeight != first.height {
            if mask?.isEmpty == false { notice = "The first image changed size: the mask was cleared" }
            mask = MaskEditor(imageWidth: first.width, imageHeight: first.height)
        }
        preview = .source
    }

    /// Where the file picker opens: the first source's folder, or the starting folder.
    var pickerFolder: String {
        guard let first = sources.first else { return startFolder }
        let folder = (first.path as NSString).deletingLastPathComponent
        return folder.isEmpty ? startFolder : folder
    }
}
