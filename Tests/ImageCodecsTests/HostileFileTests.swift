import Testing
import Raster
import TestSupport
@testable import ImageCodecs

/// A valid 64x48 RGB PNG written by the test writer (stored deflate, so truncation points are
/// predictable).
func smallPNG() -> [UInt8] {
    var random = SeededRandom(seed: 3)
    let samples = (0..<64 * 48 * 3).map { _ in UInt16(random.next(below: 256)) }
    return PNGWriter.encode(width: 64, height: 48, bitDepth: 8, colorType: .rgb, samples: samples)
}

func pngWithHeader(width: Int, height: Int, corruptCRC: Bool = false) -> [UInt8] {
    PNGWriter.signature
        + PNGWriter.chunk("IHDR", PNGWriter.ihdr(width: width, height: height, bitDepth: 8, colorType: 2, interlaced: false),
                          corruptCRC: corruptCRC)
        + PNGWriter.chunk("IDAT", PNGWriter.zlibStored([0, 0, 0, 0]))
        + PNGWriter.chunk("IEND", [])
}

func photoJPEG(progressive: Bool = false) throws -> [UInt8] {
    var random = SeededRandom(seed: 11)
    let image = RGBAImage(width: 96, height: 64) { x, y in
        RGBA(UInt8((x * 3 + random.next(below: 40)) & 0xFF), UInt8(y * 4), UInt8(random.next(below: 256)))
    }
    return try ImageEncoder.jpeg(image, quality: 90, progressive: progressive)
}

func decodingError(_ bytes: [UInt8]) -> ImageDecodingError? {
    do {
        _ = try ImageDecoder().decode(bytes)
        return nil
    } catch {
        return error
    }
}

@Suite struct HostileFileTests {
    @Test func emptyFile() {
        #expect(decodingError([]) == .empty)
    }

    @Test func wrongMagic() {
        #expect(decodingError(Array("#!/bin/sh\necho hi\n".utf8)) == .notAnImage(leadingBytes: "23 21 2f 62 69 6e 2f 73"))
        #expect(decodingError(Array("GIF89a........".utf8)) == .unsupportedFormat(name: "GIF"))
    }

    @Test(arguments: [8, 20, 40, 300, 5_000])
    func truncatedPNG(at length: Int) {
        guard case .truncated(.png, _)? = decodingError(Array(smallPNG().prefix(length))) else {
            Issue.record("PNG cut at \(length) bytes should be reported as truncated")
            return
        }
    }

    /// Found by fuzzing (a timeout): a text chunk declaring 1 GB in a 200-byte file made libpng
    /// allocate the gigabyte before it read past the end. The bridge now reports such a chunk as
    /// truncated when it reads the chunk's header; lengths over 2^31 - 1 stay libpng's to refuse.
    @Test(arguments: [false, true])
    func aChunkLongerThanTheFileIsTruncated(fastPath: Bool) {
        let png = smallPNG()
        let text = PNGWriter.chunk("tEXt", Array("Comment\u{0}seed".utf8))
        var huge = Array(png[..<33]) + text + Array(png[33...])
        huge.replaceSubrange(33..<37, with: [0x40, 0x00, 0x00, 0x0C])
        do {
            _ = try PNGCodec.decode(huge, pixelLimit: 4_000_000, fastPath: fastPath)
            Issue.record("expected an error")
        } catch {
            #expect(error == .truncated(.png, detail: "the data ends before the image does"))
        }
        huge.replaceSubrange(33..<37, with: [0xFF, 0xFF, 0xFF, 0xF0])
        guard case .corrupt(.png, _)? = decodingError(huge) else {
            Issue.record("a chunk length over 2^31 - 1 is invalid")
            return
        }
    }

    @Test func badCRCInHeader() {
        guard case .corrupt(.png, let detail)? = decodingError(pngWithHeader(width: 1, height: 1, corruptCRC: true)) else {
            Issue.record("a bad IHDR CRC should be reported as corrupt")
            return
        }
        #expect(detail.contains("CRC"))
    }

    @Test func badCRCInImageData() {
        var bytes = smallPNG()
        bytes[60] ^= 0xFF  // inside IDAT's data: its CRC no longer matches
        guard case .corrupt(.png, _)? = decodingError(bytes) else {
            Issue.record("a bad IDAT CRC should be reported as corrupt")
            return
        }
    }

    @Test func garbageCompressedData() {
        let bytes = PNGWriter.signature
            + PNGWriter.chunk("IHDR", PNGWriter.ihdr(width: 4, height: 4, bitDepth: 8, colorType: 2, interlaced: false))
            + PNGWriter.chunk("IDAT", [0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0xFF, 0x12, 0x34])
            + PNGWriter.chunk("IEND", [])
        guard case .corrupt(.png, _)? = decodingError(bytes) else {
            Issue.record("an undecodable zlib stream should be reported as corrupt")
            return
        }
    }

    @Test func zeroDimensions() {
        #expect(decodingError(pngWithHeader(width: 0, height: 10)) == .invalidDimensions(.png, width: 0, height: 10))
    }

    @Test func hugeDimensionsAreRefusedBeforeAllocating() {
        #expect(decodingError(pngWithHeader(width: 100_000, height: 100_000))
                == .tooManyPixels(.png, width: 100_000, height: 100_000, limit: ImageDecoder.defaultPixelLimit))
        // Beyond 32 bits when multiplied: must not wrap around into an allowed size.
        #expect(decodingError(pngWithHeader(width: 0x7FFF_FFFF, height: 0x7FFF_FFFF)) != nil)
        // Beyond 64 bits: the largest a PNG header can say, reported, not a crash.
        #expect(decodingError(pngWithHeader(width: 0xFFFF_FFFF, height: 0xFFFF_FFFF))?.description
                == "PNG declares 4294967295x4294967295 pixels (18446744065120 megapixels), more than the limit of 64 megapixels")
        #expect(ImageDecodingError.tooManyPixels(.png, width: 100_000, height: 100_000, limit: 64_000_000).description
                == "PNG declares 100000x100000 pixels (10000 megapixels), more than the limit of 64 megapixels")
    }

    @Test func aSmallerLimitIsHonoured() throws {
        let decoder = ImageDecoder(pixelLimit: 1_000)
        #expect(throws: ImageDecodingError.tooManyPixels(.png, width: 64, height: 48, limit: 1_000)) {
            try decoder.decode(smallPNG())
        }
        #expect(throws: ImageDecodingError.tooManyPixels(.jpeg, width: 96, height: 64, limit: 1_000)) {
            try decoder.decode(try photoJPEG())
        }
    }

    @Test func firstChunkNotIHDR() {
        var bytes = smallPNG()
        bytes[12...15] = [0x61, 0x42, 0x43, 0x44]
        guard case .corrupt(.png, _)? = decodingError(bytes) else {
            Issue.record("a PNG without IHDR first should be corrupt")
            return
        }
    }

    @Test(arguments: [false, true])
    func jpegEndingMidScan(progressive: Bool) throws {
        let jpeg = try photoJPEG(progressive: progressive)
        guard case .truncated(.jpeg, _)? = decodingError(Array(jpeg.prefix(jpeg.count * 6 / 10))) else {
            Issue.record("a JPEG cut mid-scan should be reported as truncated")
            return
        }
    }

    @Test func jpegEndingInHeader() throws {
        guard case .truncated(.jpeg, _)? = decodingError(Array(try photoJPEG().prefix(30))) else {
            Issue.record("a JPEG cut in its header should be reported as truncated")
            return
        }
    }

    @Test func jpegWithHugeDeclaredSize() throws {
        var jpeg = try photoJPEG()
        // Find SOF0 and declare 65000x65000.
        let sof = try #require((0..<jpeg.count - 1).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg[sof + 5...sof + 8] = [0xFD, 0xE8, 0xFD, 0xE8]
        #expect(decodingError(jpeg) == .tooManyPixels(.jpeg, width: 65_000, height: 65_000, limit: ImageDecoder.defaultPixelLimit))
    }

    @Test func jpegWithBogusFrameHeader() throws {
        var jpeg = try photoJPEG()
        let sof = try #require((0..<jpeg.count - 1).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg[sof + 4] = 3  // sample precision 3 bits: no such JPEG
        guard case .corrupt(.jpeg, let detail)? = decodingError(jpeg) else {
            Issue.record("a JPEG with an impossible precision should be reported as corrupt")
            return
        }
        #expect(!detail.isEmpty)
    }

    @Test func truncatedWebP() throws {
        let webp = try ImageEncoder.webp(RGBAImage(width: 64, height: 64) { x, y in RGBA(UInt8(x * 4), UInt8(y * 4), 7) })
        for length in [12, 20, webp.count / 2] {
            guard case .truncated(.webp, _)? = decodingError(Array(webp.prefix(length))) else {
                Issue.record("a WebP cut at \(length) of \(webp.count) bytes should be reported as truncated")
                continue
            }
        }
    }

    @Test func corruptWebPBitstream() throws {
        var webp = try ImageEncoder.webp(RGBAImage(width: 64, height: 64, fill: RGBA(1, 2, 3)), lossless: true)
        // VP8L signature byte after the chunk header.
        webp[20] = 0x00
        #expect(decodingError(webp) != nil)
    }

    @Test func messagesAreOneLineAndName() {
        let errors: [ImageDecodingError] = [
            .empty, .notAnImage(leadingBytes: "00"), .unsupportedFormat(name: "HEIC"),
            .truncated(.png, detail: "x"), .corrupt(.jpeg, detail: "y"), .invalidDimensions(.png, width: 0, height: 1),
        ]
        for error in errors {
            #expect(!error.description.contains("\n"))
            #expect(!error.description.isEmpty)
        }
    }
}
