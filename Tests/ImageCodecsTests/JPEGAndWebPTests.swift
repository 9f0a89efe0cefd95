import Foundation
import Testing
import Raster
import TestSupport
@testable import ImageCodecs

/// Four flat quadrants, 16x8 pixels each: red, green / blue, yellow.
let quadrants = RGBAImage(width: 32, height: 16) { x, y in
    switch (x < 16, y < 8) {
    case (true, true): RGBA(255, 0, 0)
    case (false, true): RGBA(0, 255, 0)
    case (true, false): RGBA(0, 0, 255)
    case (false, false): RGBA(255, 255, 0)
    }
}

func near(_ a: RGBA, _ b: RGBA, within: Int = 24) -> Bool {
    abs(Int(a.r) - Int(b.r)) <= within && abs(Int(a.g) - Int(b.g)) <= within && abs(Int(a.b) - Int(b.b)) <= within
}

@Suite struct JPEGReductionTests {
    let photo = RGBAImage(width: 400, height: 240) { x, y in
        RGBA(UInt8((x * 255) / 399), UInt8((y * 255) / 239), UInt8(((x + y) * 3) % 256))
    }

    @Test func reducesInTheDCTButNeverBelowWhatIsAskedFor() throws {
        let jpeg = try ImageEncoder.jpeg(photo, quality: 95)
        let full = try ImageDecoder().decode(jpeg)
        #expect(full.image.width == 400 && full.image.height == 240)
        let quarter = try ImageDecoder().decode(jpeg, atLeast: (90, 60))
        #expect(quarter.image.width == 100 && quarter.image.height == 60)
        #expect(quarter.description.width == 400 && quarter.description.height == 240)
        #expect(quarter.description.notes.contains("decoded at 1/4"))
        // The same picture, smaller: close to the full decode reduced by area.
        #expect(quarter.image.psnr(against: full.image.resized(width: 100, height: 60)) > 30)
        // Asked for in the other orientation, the sides are compared long to long.
        #expect(try ImageDecoder().decode(jpeg, atLeast: (60, 90)).image.width == 100)
        #expect(try ImageDecoder().decode(jpeg, atLeast: (201, 10)).image.width == 400)
        #expect(try ImageDecoder().decode(jpeg, atLeast: (50, 30)).image.width == 50)
    }

    /// A file shown within a box is decoded no larger than needed to fill it, aspect kept.
    @Test func aFileShownSmallIsDecodedSmall() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("retouch-fit-\(UUID().uuidString).jpg").path
        try Data(try ImageEncoder.jpeg(photo, quality: 95)).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        // 400x240 within 100x100 shows as 100x60: a quarter of the file's size.
        let fitted = try ImageFile.load(path: path, fitting: (100, 100)).decoded
        #expect(fitted.image.width == 100 && fitted.image.height == 60 && fitted.description.width == 400)
        // A box larger than the picture changes nothing.
        #expect(try ImageFile.load(path: path, fitting: (1000, 1000)).decoded.image.width == 400)
        #expect(try ImageFile.load(path: path).decoded.image.width == 400)
    }

    /// A name that was not UTF-8 arrives with U+FFFD in it and cannot be opened: the error says
    /// why rather than "no such file".
    @Test func aNameThatIsNotUTF8IsExplained() {
        do {
            _ = try ImageFile.readBytes(path: "/tmp/retouch-no-\u{FFFD}such.png")
            Issue.record("a file that is not there was read")
        } catch {
            #expect(error.description.contains("its name is not valid UTF-8"), "\(error)")
        }
    }

    /// The box is upright: a photograph stored on its side (EXIF orientation 6) is reduced for
    /// the size it shows at upright, not for its stored size turned into the box.
    @Test func aTurnedFileIsDecodedForItsUprightSize() throws {
        let stored = RGBAImage(width: 400, height: 300) { x, y in RGBA(UInt8(x * 255 / 399), UInt8(y * 255 / 299), 90) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("retouch-turned-\(UUID().uuidString).jpg").path
        try Data(try jpegWithOrientation(6, littleEndian: true, of: stored)).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Upright 300x400 in 40x120 shows as 40x53; 1/8 of the file (upright 38x50) is too small.
        let fitted = try ImageFile.load(path: path, fitting: (40, 120)).decoded
        #expect(fitted.description.width == 300 && fitted.description.height == 400)
        #expect(fitted.image.width == 75 && fitted.image.height == 100)
        #expect(RGBAImage.shownSize(width: 300, height: 400, maxWidth: 40, maxHeight: 120) == (40, 53))
    }
}

@Suite struct JPEGTests {
    static let r = RGBA(255, 0, 0), g = RGBA(0, 255, 0), b = RGBA(0, 0, 255), y = RGBA(255, 255, 0)
    /// Displayed corners (top-left, top-right, bottom-left, bottom-right) for each EXIF orientation.
    static let expectedCorners: [Int: [RGBA]] = [
        1: [r, g, b, y], 2: [g, r, y, b], 3: [y, b, g, r], 4: [b, y, r, g],
        5: [r, b, g, y], 6: [b, r, y, g], 7: [y, g, b, r], 8: [g, y, r, b],
    ]

    @Test(arguments: 1...8, [true, false])
    func appliesEXIFOrientation(orientation: Int, littleEndian: Bool) throws {
        let decoded = try ImageDecoder().decode(try jpegWithOrientation(orientation, littleEndian: littleEndian, of: quadrants))
        let image = decoded.image
        let swapped = orientation >= 5
        #expect(image.width == (swapped ? 16 : 32) && image.height == (swapped ? 32 : 16))
        #expect(decoded.description.width == image.width)
        let w = image.width, h = image.height
        let corners = [image[w / 4, h / 4], image[3 * w / 4, h / 4], image[w / 4, 3 * h / 4], image[3 * w / 4, 3 * h / 4]]
        for (actual, expected) in zip(corners, Self.expectedCorners[orientation]!) {
            #expect(near(actual, expected), "orientation \(orientation): \(actual) should be \(expected)")
        }
        #expect(decoded.description.notes.contains("EXIF orientation \(orientation)") == (orientation != 1))
    }

    @Test(arguments: [false, true])
    func decodesBaselineAndProgressive(progressive: Bool) throws {
        let image = RGBAImage(width: 40, height: 24) { x, y in RGBA(UInt8(x * 6), UInt8(y * 10), 128) }
        let decoded = try ImageDecoder().decode(try ImageEncoder.jpeg(image, quality: 95, progressive: progressive))
        #expect(decoded.description.notes.contains("progressive") == progressive)
        #expect(decoded.description.colorType == "YCbCr")
        #expect(!decoded.description.hasAlpha)
        for (x, y) in [(5, 5), (20, 12), (35, 20)] {
            #expect(near(decoded.image[x, y], image[x, y], within: 8))
        }
    }

    @Test func malformedEXIFIsIgnored() throws {
        var bytes = try jpegWithOrientation(6, littleEndian: false, of: quadrants)
        bytes[12] = 0x00  // break the TIFF byte-order mark
        let decoded = try ImageDecoder().decode(bytes)
        #expect(decoded.image.width == 32)
    }
}

@Suite struct WebPTests {
    let translucent = RGBAImage(width: 33, height: 17) { x, y in
        RGBA(UInt8(x * 7), UInt8(y * 15), UInt8((x + y) * 5), UInt8(x * 255 / 32))
    }

    @Test func losslessWithAlphaRoundTripsExactly() throws {
        let decoded = try ImageDecoder().decode(try ImageEncoder.webp(translucent, lossless: true))
        #expect(decoded.description.format == .webp)
        #expect(decoded.description.hasAlpha)
        #expect(decoded.description.colorType == "lossless with alpha")
        // libwebp may change the colour of fully transparent pixels; alpha and visible colour stay exact.
        for y in 0..<translucent.height {
            for x in 0..<translucent.width where translucent[x, y].a > 0 {
                #expect(decoded.image[x, y] == translucent[x, y])
            }
        }
    }

    @Test func lossyKeepsAlpha() throws {
        let decoded = try ImageDecoder().decode(try ImageEncoder.webp(translucent, quality: 90))
        #expect(decoded.description.hasAlpha)
        #expect(decoded.description.colorType.hasPrefix("lossy"))
        #expect(decoded.image[0, 5].a < 20)
        #expect(decoded.image[32, 5].a > 235)
    }

    @Test func opaqueLossyHasNoAlpha() throws {
        let opaque = RGBAImage(width: 16, height: 16, fill: RGBA(10, 200, 30))
        let decoded = try ImageDecoder().decode(try ImageEncoder.webp(opaque, quality: 80))
        #expect(!decoded.description.hasAlpha)
        #expect(near(decoded.image[8, 8], RGBA(10, 200, 30), within: 6))
    }
}
