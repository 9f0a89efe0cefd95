import Foundation
import ImageCodecs
import ImageEditModel
import Raster
import TestSupport
import Testing
@testable import LocalServer

/// Streamed partial images as a client receives them: as many as asked for, and on a textured
/// picture each decodes to pixels unlike the others' and the result's, at small sizes too.
@Suite struct StreamedPartialTests {
    /// Noise over stripes, `side` x `side`.
    static func texture(side: Int) -> RGBAImage {
        var random = SeededRandom(seed: UInt64(side))
        return RGBAImage(width: side, height: side) { x, y in
            let noise = UInt8(random.next(below: 64))
            return RGBA(40 &+ UInt8(x * 150 / side) &+ noise, (x / 3 + y / 5) % 2 == 0 ? 200 : 60, 90 &+ UInt8(y * 100 / side) &+ noise)
        }
    }

    @Test(arguments: [64, 256])
    func partialImagesDifferFromEachOtherAndFromTheResult(side: Int) async throws {
        let service = EditService(configuration: LocalServerConfiguration())
        let mask = Mask(width: side, height: side, rects: [PixelRect(x: side / 3, y: side / 4, width: side / 5, height: side / 6)]).image()
        for prompt in ["remove the boat", "blur", "black and white", "fill with red", "invert and warmer"] {
            var form = MultipartForm()
            form.add("prompt", prompt)
            form.add("stream", "true")
            form.add("partial_images", "3")
            form.add(file: "image", filename: "texture.png", try ImageEncoder.png(Self.texture(side: side)))
            form.add(file: "mask", filename: "mask.png", try ImageEncoder.png(mask, alpha: .always))
            let events = try streamEvents(try await bytes(of: try await service.edit(serviceEdit(form.finished, chunkSize: 64 << 10))))
            #expect(events.map(\.name) == Array(repeating: "image_edit.partial_image", count: 3) + ["image_edit.completed"], "'\(prompt)'")
            #expect(events.dropLast().map(\.event.partial_image_index) == [0, 1, 2], "'\(prompt)'")
            let pixels = try events.map { event in
                let png = try #require(event.event.b64_json.flatMap { Data(base64Encoded: $0) })
                return try ImageDecoder().decode([UInt8](png)).image.pixels
            }
            #expect(Set(pixels).count == 4, "'\(prompt)' at \(side)x\(side)")
        }
    }

    /// The image goes into the event's JSON as base64 without passing through the encoder.
    @Test func theImageIsTheEventsBase64() throws {
        let image = Data((0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        let event = Wire.StreamEvent(type: "image_edit.partial_image", partial_image_index: 2, created_at: 7,
                                     settings: OutputSettings(size: "64x64", quality: "low", background: "opaque", outputFormat: "png"))
        let decoded = try streamEvents(try EventStream.AsyncIterator.chunk(event, image: image))
        #expect(decoded.count == 1 && decoded[0].name == "image_edit.partial_image")
        #expect(decoded[0].event.b64_json == image.base64EncodedString())
        #expect(decoded[0].event.partial_image_index == 2 && decoded[0].event.created_at == 7 && decoded[0].event.size == "64x64")
        let plain = try streamEvents(try EventStream.AsyncIterator.chunk(event))
        #expect(plain[0].event.b64_json == nil && plain[0].event.partial_image_index == 2)
    }
}
