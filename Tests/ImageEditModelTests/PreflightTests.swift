import Testing
import Raster
@testable import ImageEditModel

func facts(_ name: String = "a.png", _ format: ImageFormat = .png, _ w: Int = 1024, _ h: Int = 1024,
           channels: ChannelLayout = .rgb, bytes: Int = 100_000) -> InputFacts {
    InputFacts(name: name, byteCount: bytes, header: .success(ImageHeader(format: format, width: w, height: h, channels: channels)))
}

@Suite struct PreflightTests {
    func violations(_ request: EditRequest, images: [InputFacts]? = nil, mask: InputFacts? = nil) -> [Violation] {
        Preflight.check(request, images: images ?? request.images.map { _ in facts() }, mask: mask)
    }

    func request(model: String? = nil, images: Int = 1, prompt: String = "a red hat") -> EditRequest {
        EditRequest(images: (0..<images).map { InputImage(path: "img\($0).png") }, prompt: prompt, model: model)
    }

    func fields(_ v: [Violation]) -> [String] { v.map(\.field) }

    @Test func aPlainRequestPasses() {
        #expect(violations(request()).isEmpty)
        var r = request(model: "gpt-image-1", images: 16)
        r.size = "1536x1024"; r.quality = "high"; r.background = "transparent"; r.outputFormat = "webp"
        r.outputCompression = 80; r.inputFidelity = "high"; r.n = 10; r.partialImages = 3; r.stream = true
        #expect(violations(r).isEmpty)
    }

    @Test func imageCountPerModel() {
        #expect(fields(violations(request(images: 17))) == ["image[]"])
        #expect(fields(violations(request(images: 0))) == ["image"])
        let dalle = request(model: "dall-e-2", images: 2)
        let found = violations(dalle, images: [facts(channels: .rgba), facts(channels: .rgba)])
        #expect(found.map(\.problem) == ["dall-e-2 takes exactly one image"])
    }

    @Test func imageFilesAreCheckedByTheirBytes() {
        let bad = [
            InputFacts(name: "notes.txt", byteCount: 10, header: .failure(.notAnImage)),
            facts("big.jpg", .jpeg, bytes: 60 * 1024 * 1024),
            InputFacts(name: "anim.gif", byteCount: 10, header: .failure(.unsupportedFormat(name: "GIF"))),
        ]
        let found = violations(request(images: 3), images: bad)
        #expect(fields(found) == ["image[0]", "image[1]", "image[2]"])
        #expect(found[0].problem == "it is not a PNG, JPEG or WebP image")
        #expect(found[1].problem.contains("must be under 50.0 MB"))
        #expect(found[2].value == "anim.gif")
    }

    @Test func dallE2WantsSquareAlphaPNGAndItsOwnSizes() {
        var r = request(model: "dall-e-2")
        r.size = "1536x1024"
        let found = violations(r, images: [facts("wide.png", .png, 800, 600, channels: .rgb)])
        #expect(fields(found) == ["image", "image", "size"])
        #expect(found[2].problem == "dall-e-2 takes 256x256, 512x512 or 1024x1024")
        r.size = "512x512"
        r.responseFormat = "b64_json"
        #expect(violations(r, images: [facts(channels: .rgba)]).isEmpty)
        r.stream = true
        r.outputFormat = "png"
        #expect(Set(fields(violations(r, images: [facts(channels: .rgba)]))) == ["stream", "output_format"])
    }

    @Test func maskMustBeAlphaPNGOfTheFirstImagesSize() {
        let r = EditRequest(images: [InputImage(path: "a.png")], prompt: "x", mask: InputImage(path: "m.png"))
        #expect(violations(r, images: [facts()], mask: facts("m.png", .png, 1024, 1024, channels: .rgba)).isEmpty)
        let wrong = violations(r, images: [facts()], mask: facts("m.jpg", .jpeg, 512, 512, channels: .rgb))
        #expect(fields(wrong) == ["mask", "mask"])
        #expect(wrong[0].problem == "it is JPEG; only PNG is accepted")
        #expect(wrong[1].problem == "it is 512x512; it must match the first image, 1024x1024")
        let noAlpha = violations(r, images: [facts()], mask: facts("m.png", .png, 1024, 1024, channels: .rgb))
        #expect(noAlpha.first?.problem.contains("alpha channel") == true)
    }

    @Test func promptLengthPerModel() {
        #expect(violations(request(prompt: String(repeating: "é", count: 32_000))).isEmpty)
        let long = violations(request(prompt: String(repeating: "a", count: 32_001)))
        #expect(long == [Violation(.promptTooLong, parameter: .prompt, value: "32001 characters", problem: "gpt-image-1.5 takes at most 32000 characters")])
        let dalle = violations(request(model: "dall-e-2", prompt: String(repeating: "a", count: 1001)), images: [facts(channels: .rgba)])
        #expect(dalle.map(\.problem) == ["dall-e-2 takes at most 1000 characters"])
        #expect(fields(violations(request(prompt: "  \n"))) == ["prompt"])
    }

    @Test(arguments: [
        ("1536x864", nil), ("3840x2160", nil), ("2160x3840", nil), ("auto", nil), ("1024x1536", nil),
        ("1000x1000", "divisible by 16"), ("3024x1008", nil), ("3200x1008", "aspect ratio"), ("3200x960", "aspect ratio"), ("4096x2048", "at most 3840x2160"),
        ("big", "WIDTHxHEIGHT"), ("0x0", "WIDTHxHEIGHT"),
        // Sides that would overflow the aspect-ratio arithmetic.
        ("9223372036854775807x16", "at most 3840x2160"), ("16x9223372036854775792", "at most 3840x2160"),
        ("9223372036854775792x9223372036854775792", "at most 3840x2160"),
    ] as [(String, String?)])
    func gptImage2Sizes(size: String, problem: String?) {
        var r = request(model: "gpt-image-2")
        r.size = size
        let found = violations(r)
        if let problem {
            #expect(found.count == 1 && found[0].problem.contains(problem), "\(size): \(found)")
        } else {
            #expect(found.isEmpty, "\(size): \(found)")
        }
    }

    @Test func gptImage1TakesOnlyTheStandardSizes() {
        var r = request(model: "gpt-image-1")
        r.size = "1536x864"
        #expect(violations(r).first?.problem == "gpt-image-1 takes 1024x1024, 1536x1024, 1024x1536 or auto")
    }

    @Test func transparentBackgroundRules() {
        var r = request()
        r.background = "transparent"
        r.outputFormat = "jpeg"
        #expect(violations(r).map(\.problem) == ["a transparent background needs output_format png or webp, not jpeg"])
        var two = request(model: "gpt-image-2")
        two.background = "transparent"
        #expect(violations(two).map(\.problem) == ["gpt-image-2 takes opaque or auto"])
    }

    @Test func fidelityCompressionAndResponseFormat() {
        var mini = request(model: "gpt-image-1-mini")
        mini.inputFidelity = "high"
        #expect(violations(mini).map(\.problem) == ["gpt-image-1-mini does not take input_fidelity"])

        var r = request()
        r.outputCompression = 50
        #expect(violations(r).map(\.problem) == ["applies only to output_format jpeg or webp, not png"])
        r.outputFormat = "jpeg"
        r.outputCompression = 101
        #expect(violations(r).map(\.problem) == ["must be 0 to 100"])
        r.outputCompression = nil
        r.responseFormat = "url"
        #expect(violations(r).map(\.problem) == ["gpt-image-1.5 does not take response_format"])
    }

    @Test func rangesAndEnumerations() {
        var r = request()
        r.n = 11
        r.partialImages = 4
        r.quality = "ultra"
        r.outputFormat = "gif"
        r.inputFidelity = "medium"
        let found = violations(r)
        #expect(Set(fields(found)) == ["n", "partial_images", "quality", "output_format", "input_fidelity"])
        #expect(found.count == 5, "all problems are reported at once")
        #expect(found.first { $0.field == "quality" }?.description == "quality = \"ultra\": gpt-image-1.5 takes low, medium, high or auto")
    }

    @Test func dallE3AndUnknownModels() {
        #expect(violations(request(model: "dall-e-3")).map(\.field) == ["model"])
        var future = request(model: "gpt-image-3")
        future.size = "1234x777"
        future.quality = "ultra"
        #expect(fields(violations(future)) == ["quality"], "a newer GPT image model keeps family rules but not the size list")
        var local = request(model: "my-local-model")
        local.quality = "whatever"
        local.size = "7x7"
        #expect(violations(local).isEmpty, "unknown models get only the shared rules")
        local.n = 0
        #expect(fields(violations(local)) == ["n"])
    }
}

/// Each broken rule carries its kind, so callers decide without reading the text.
@Suite struct ViolationKindTests {
    func kinds(_ request: EditRequest, images: [InputFacts]? = nil, mask: InputFacts? = nil) -> [Violation.Kind] {
        Preflight.check(request, images: images ?? request.images.map { _ in facts() }, mask: mask).map(\.kind)
    }

    func request(model: String? = nil, images: Int = 1, prompt: String = "a red hat") -> EditRequest {
        EditRequest(images: (0..<images).map { InputImage(path: "img\($0).png") }, prompt: prompt, model: model)
    }

    @Test func filesAndMasks() {
        let files = [
            InputFacts(name: "notes.txt", byteCount: 10, header: .failure(.notAnImage)),
            InputFacts(name: "anim.gif", byteCount: 10, header: .failure(.unsupportedFormat(name: "GIF"))),
            InputFacts(name: "cut.png", byteCount: 10, header: .failure(.truncated(.png))),
            facts("big.jpg", .jpeg, bytes: 60 * 1024 * 1024),
        ]
        #expect(kinds(request(images: 4), images: files) == [.notAnImage, .unsupportedFormat, .unreadableHeader, .fileTooLarge])
        let withMask = EditRequest(images: [InputImage(path: "a.png")], prompt: "x", mask: InputImage(path: "m.png"))
        #expect(kinds(withMask, images: [facts()], mask: facts("m.png", .png, 512, 512, channels: .rgba)) == [.maskSizeMismatch])
        #expect(kinds(withMask, images: [facts()], mask: facts("m.png", .png, 1024, 1024, channels: .rgb)) == [.channelsNotAccepted])
        #expect(kinds(withMask, images: [facts()], mask: facts("m.jpg", .jpeg, 1024, 1024, channels: .rgba)) == [.formatNotAccepted])
        let dalle = request(model: "dall-e-2")
        #expect(kinds(dalle, images: [facts("w.png", .png, 800, 600, channels: .rgba)]) == [.notSquare])
        #expect(kinds(request(images: ModelRules.maxInputImages + 1)) == [.imageCount])
    }

    @Test func promptsAndParameters() {
        #expect(kinds(request(prompt: " ")) == [.promptMissing])
        #expect(kinds(request(prompt: String(repeating: "a", count: 32_001))) == [.promptTooLong])
        #expect(kinds(request(model: "dall-e-3")) == [.modelCannotEdit])
        var r = request()
        r.quality = "ultra"
        r.responseFormat = "url"
        r.size = "7x7"
        r.n = 11
        #expect(kinds(r) == [.valueNotAllowed, .fieldNotTaken, .sizeNotAllowed, .outOfRange])
        var transparent = request()
        transparent.background = "transparent"
        transparent.outputFormat = "jpeg"
        #expect(kinds(transparent) == [.conflictingFields])
        var streamed = request(model: "dall-e-2")
        streamed.stream = true
        #expect(kinds(streamed, images: [facts(channels: .rgba)]) == [.streamingNotSupported])
    }

    @Test func theParameterIsTheAPIFieldAndTheFieldNamesThePosition() {
        let found = Preflight.check(request(images: 2), images: [facts(), InputFacts(name: "x", byteCount: 1, header: .failure(.notAnImage))],
                                    mask: nil)
        #expect(found.map(\.field) == ["image[1]"])
        #expect(found.map(\.parameter) == [.image])
    }
}

@Suite struct EditFieldTests {
    @Test func textFieldsAreSentInOrderAndReadBack() throws {
        var request = EditRequest(images: [InputImage(path: "a.png")], prompt: "hat", model: "gpt-image-1", n: 2, stream: true)
        #expect(request.textFields.map(\.name) == ["model", "prompt", "n", "stream"])
        #expect(EditField.textFields.count == EditField.allCases.count - 2)
        try request.setText(" 3 ", for: .n)
        try request.setText("FALSE", for: .stream)
        try request.setText("high", for: .quality)
        #expect(request.n == 3 && request.stream == false && request.quality == "high")
        #expect(throws: EditRequest.FieldTypeError(field: .n, expected: .integer, text: "two")) { try request.setText("two", for: .n) }
        #expect(throws: EditRequest.FieldTypeError(field: .stream, expected: .boolean, text: "yes")) { try request.setText("yes", for: .stream) }
        #expect(EditField(partName: "image[]") == .image && EditField(partName: "mask") == .mask && EditField(partName: "colour") == nil)
    }
}
