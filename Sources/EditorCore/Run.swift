import Foundation
import ImageEditModel
import Raster

extension EditorState {
    /// The request the editor would send now (the variant being edited, no sweep), and what
    /// pre-flight says of it.
    public var pendingRequest: (request: EditRequest, violations: [Violation]) {
        let hasMask = mask?.isEmpty == false
        let request = parameters.request(images: sources.map { InputImage(path: $0.path) },
                                         mask: hasMask ? InputImage(bytes: [], filename: "mask.png") : nil, prompt: prompt.text)
        return (request, violations(of: request))
    }

    /// What pre-flight says of `request`, with the sources and the mask the editor holds.
    func violations(of request: EditRequest) -> [Violation] {
        var maskFacts: InputFacts?
        if mask?.isEmpty == false, let first = sources.first {
            // The mask is made to the rules, a PNG with alpha the first image's size. Its bytes
            // exist only once it is encoded for sending; the client checks their size then.
            maskFacts = InputFacts(name: "mask", byteCount: 0,
                                   header: .success(ImageHeader(format: .png, width: first.width, height: first.height, channels: .rgba)))
        }
        return Preflight.check(request, images: sources.map(\.facts), mask: maskFacts)
    }

    /// Ctrl-S: the prompt, or every variant at once; one send at a time, and only requests the
    /// model's rules allow.
    mutating func send() -> [Effect] {
        if isRunning {
            notice = "An edit is already running (Esc cancels it)"
            return []
        }
        let toSend: [Variant]
        switch variantsToSend {
        case .success(let variants): toSend = variants
        case .failure(let problem):
            overlays.push(ErrorOverlay(title: "Not sent: the variants are not ready", lines: [problem.description]))
            return []
        }
        let problems = toSend.flatMap { variant in
            violations(of: variant.request).map { (toSend.count > 1 ? "v\(variant.number) \(variant.label): " : "") + $0.description }
        }
        if !problems.isEmpty {
            overlays.push(ErrorOverlay(title: "Not sent: the request breaks the model's rules", lines: problems))
            return []
        }
        for variant in toSend where recall.sent.last != variant.request.prompt { recall.sent.append(variant.request.prompt) }
        recall.index = nil
        var order = SendOrder(set: 0, variants: toSend, mask: mask?.image(), draft: draft, sweptField: sweep?.field)
        for i in order.variants.indices { order.variants[i].request.mask = nil }
        if order.isSet {
            setsSent += 1
            order.set = setsSent
        }
        begin(RunSet(number: order.set, runs: toSend.map(RunProgress.init), sweptField: sweep?.field))
        return [.send(order)]
    }

    /// Something was sent: its progress shows; a set's tiles fill the preview as images come.
    mutating func begin(_ set: RunSet) {
        var set = set
        // The first few go at once; their clocks start now.
        for i in set.runs.indices.prefix(RunSet.inFlight) {
            set.runs[i].started = now
            set.runs[i].status = "sending"
        }
        sent = set
        compareMark = nil
        preview = set.isSet ? .set(selected: 0) : .source
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
