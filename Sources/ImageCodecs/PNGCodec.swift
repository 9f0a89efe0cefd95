import CPNG
import Raster

/// PNG through libpng: decoding behind the CPNG bridge (every colour type and bit depth, tRNS
/// and Adam7 come out as 8-bit straight RGBA); encoding filters rows in C and deflates them
/// with libdeflate.
enum PNGCodec {
    /// `fastPath: false` forces libpng, so tests can compare the two decoders.
    /// With `atLeast` smaller than the image, a non-interlaced PNG is shrunk to exactly that
    /// size (in the image's orientation) while it is read, a row at a time.
    static func decode(_ bytes: [UInt8], pixelLimit: Int, fastPath: Bool = true,
                       atLeast minimum: (width: Int, height: Int)? = nil) throws(ImageDecodingError) -> DecodedImage {
        let header: ImageHeader
        switch ImageHeader.read(bytes) {
        case .success(let read): header = read
        case .failure(.truncated): throw .truncated(.png, detail: "\(bytes.count) bytes, shorter than a PNG header")
        case .failure(.malformed(_, let why)): throw .corrupt(.png, detail: why)
        case .failure: throw .corrupt(.png, detail: "unreadable header")
        }
        try ImageDecoder.checkDimensions(.png, width: header.width, height: header.height, limit: pixelLimit)
        let colorType = header.pngColorType ?? 6, bitDepth = header.pngBitDepth ?? 8

        var info = retouch_png_info()
        let description = ImageDescription(
            format: .png, width: header.width, height: header.height,
            colorType: "\(colorTypeName(colorType)) \(bitDepth)-bit",
            channels: header.channels, hasAlpha: header.hasAlpha,
            notes: header.pngInterlaced == true ? ["interlaced"] : [])
        if let target = shrunkSize(header.width, header.height, atLeast: minimum) {
            var pixels = [UInt8](repeating: 0, count: target.width * target.height * 4)
            let status = bytes.withUnsafeBufferPointer { src in
                pixels.withUnsafeMutableBufferPointer { dst in
                    retouch_png_decode_shrunk_rgba(src.baseAddress, src.count, UInt32(target.width), UInt32(target.height),
                                                   dst.baseAddress, dst.count, &info)
                }
            }
            if status != Int32(RETOUCH_PNG_NOT_HANDLED.rawValue) {
                try check(status, &info)
                var shrunk = description
                shrunk.notes.append("decoded at \(target.width)x\(target.height)")
                return DecodedImage(image: RGBAImage(width: target.width, height: target.height, pixels: pixels), description: shrunk)
            }
        }
        var pixels = [UInt8](repeating: 0, count: header.width * header.height * 4)
        let status = bytes.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                if fastPath {
                    let fast = retouch_png_fast_decode_rgba(src.baseAddress, src.count, dst.baseAddress, dst.count)
                    if fast == Int32(RETOUCH_PNG_OK.rawValue) { return fast }
                }
                return retouch_png_decode_rgba(src.baseAddress, src.count, dst.baseAddress, dst.count, &info)
            }
        }
        try check(status, &info)
        return DecodedImage(image: RGBAImage(width: header.width, height: header.height, pixels: pixels),
                            description: description)
    }

    /// `minimum` in the image's orientation, when it is smaller than the image.
    static func shrunkSize(_ width: Int, _ height: Int, atLeast minimum: (width: Int, height: Int)?) -> (width: Int, height: Int)? {
        guard let minimum, minimum.width > 0, minimum.height > 0 else { return nil }
        let target = (width >= height) == (minimum.width >= minimum.height) ? minimum : (minimum.height, minimum.width)
        guard target.0 <= width, target.1 <= height, target.0 < width || target.1 < height else { return nil }
        return (target.0, target.1)
    }

    private static func check(_ status: Int32, _ info: inout retouch_png_info) throws(ImageDecodingError) {
        let message = cString(&info.message)
        switch status {
        case Int32(RETOUCH_PNG_OK.rawValue): return
        case Int32(RETOUCH_PNG_TRUNCATED.rawValue): throw .truncated(.png, detail: message)
        default: throw .corrupt(.png, detail: message.isEmpty ? "libpng gave no reason" : message)
        }
    }

    static func colorTypeName(_ colorType: Int) -> String {
        switch colorType {
        case 0: "greyscale"
        case 2: "RGB"
        case 3: "palette"
        case 4: "greyscale+alpha"
        case 6: "RGBA"
        default: "colour type \(colorType)"
        }
    }

    /// Deflate settings: `fast` for images shown once and replaced (partial images), else the
    /// smallest files for the time, about the size libpng makes at its default level.
    static func settings(fast: Bool) -> (level: Int32, filter: Int32) {
        // For a 1024x1024 photo, Paeth on every row at level 1: about 25 ms, under a tenth larger
        // than libpng's default. Per row the filter libpng's heuristic picks, at level 7:
        // libpng's default size (within half a percent), in about a third of its time.
        fast ? (1, 4) : (7, -1)
    }

    static func encode(_ source: RGBAImage, withAlpha: Bool, fast: Bool = false) throws(ImageEncodingError) -> [UInt8] {
        guard source.width > 0, source.height > 0 else {
            throw ImageEncodingError(format: .png, reason: "the image is empty (\(source.width)x\(source.height))")
        }
        guard let width = UInt32(exactly: source.width), let height = UInt32(exactly: source.height) else {
            throw ImageEncodingError(format: .png, reason: "the image is too large (\(source.width)x\(source.height))")
        }
        let channels: Int32 = withAlpha ? 4 : 3
        let (level, filter) = settings(fast: fast)
        let bound = retouch_png_encode_bound(width, height, channels)
        var output = [UInt8](repeating: 0, count: bound)
        let written = source.pixels.withUnsafeBufferPointer { pixels in
            output.withUnsafeMutableBufferPointer { out in
                retouch_png_encode(pixels.baseAddress, width, height, channels, level, filter, out.baseAddress, out.count)
            }
        }
        guard written > 0 else {
            throw ImageEncodingError(format: .png, reason: "out of memory, or the image is too large (\(source.width)x\(source.height))")
        }
        output.removeSubrange(written...)
        return output
    }
}
