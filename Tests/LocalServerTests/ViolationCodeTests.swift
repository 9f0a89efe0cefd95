import ImageCodecs
import ImageEditModel
import Raster
import Testing
@testable import LocalServer

/// The server's error codes come from the kind of rule a request breaks, never from its text.
@Suite struct ViolationCodeTests {
    @Test func everyKindHasOpenAIsCode() {
        let expected: [Violation.Kind: String] = [
            .maskSizeMismatch: "invalid_mask_image_size",
            .promptTooLong: "string_above_max_length",
            .notAnImage: "invalid_image_format", .unsupportedFormat: "invalid_image_format",
            .unreadableHeader: "invalid_image_format", .formatNotAccepted: "invalid_image_format",
            .fileTooLarge: "invalid_image_format", .notSquare: "invalid_image_format",
            .channelsNotAccepted: "invalid_image_format", .imageCount: "invalid_image_format",
            .modelCannotEdit: "invalid_value", .promptMissing: "invalid_value", .valueNotAllowed: "invalid_value",
            .fieldNotTaken: "invalid_value", .sizeNotAllowed: "invalid_value", .outOfRange: "invalid_value",
            .conflictingFields: "invalid_value", .streamingNotSupported: "invalid_value",
        ]
        #expect(Set(expected.keys) == Set(Violation.Kind.allCases))
        for (kind, code) in expected { #expect(EditInput.code(for: kind) == code, "\(kind)") }
    }

    func png(_ width: Int, _ height: Int) throws -> [UInt8] {
        try ImageEncoder.png(RGBAImage(width: width, height: height) { x, y in RGBA(UInt8(x % 256), UInt8(y % 256), 90) },
                             alpha: .always)
    }

    func part(_ name: String, _ text: String) -> FormPart {
        FormPart(name: name, filename: nil, contentType: nil, data: Array(text.utf8))
    }

    func failure(_ parts: [FormPart]) -> HTTPFailure? {
        do {
            _ = try EditInput(parts: parts)
            return nil
        } catch {
            return error as? HTTPFailure
        }
    }

    @Test func parsedRequestsAnswerWithTheKindsCode() throws {
        let image = FormPart(name: "image", filename: "a.png", contentType: "image/png", data: try png(64, 48))
        let mask = FormPart(name: "mask", filename: "m.png", contentType: "image/png", data: try png(32, 32))

        let mismatch = failure([image, mask, part("prompt", "a hat")])
        #expect(mismatch?.code == "invalid_mask_image_size" && mismatch?.param == "mask")

        let long = failure([image, part("prompt", String(repeating: "a", count: 32_001))])
        #expect(long?.code == "string_above_max_length" && long?.param == "prompt")

        let notImage = FormPart(name: "image[]", filename: "b.png", contentType: "image/png", data: Array("not a picture".utf8))
        let bad = failure([image, notImage, part("prompt", "a hat")])
        #expect(bad?.code == "invalid_image_format" && bad?.param == "image")

        let quality = failure([image, part("prompt", "a hat"), part("quality", "ultra")])
        #expect(quality?.code == "invalid_value" && quality?.param == "quality")

        let typed = failure([image, part("prompt", "a hat"), part("n", "two")])
        #expect(typed?.code == "invalid_type" && typed?.param == "n")

        let unknown = failure([image, part("prompt", "a hat"), part("colour", "red")])
        #expect(unknown?.code == "unknown_parameter")

        #expect(failure([image, part("prompt", "a hat"), part("n", " 2 "), part("stream", "TRUE")]) == nil)
    }
}
