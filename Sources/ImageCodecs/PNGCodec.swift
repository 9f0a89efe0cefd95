import CPNG
import Raster

/// PNG through libpng: decoding behind the CPNG bridge (every colour type and bit depth, tRNS
/// and Adam7 come out as 8-bit straight RGBA), encoding with the simplified API.
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

    static func encode(_ source: RGBAImage, withAlpha: Bool, fast: Bool = false) throws(ImageEncodingError) -> [UInt8] {
        guard source.width > 0, source.height > 0 else {
            throw ImageEncodingError(format: .png, reason: "the image is empty (\(source.width)x\(source.height))")
        }
        var image = png_image()
        image.version = retouch_png_image_version()
        image.width = UInt32(source.width)
        image.height = UInt32(source.height)
        if fast { image.flags |= retouch_png_image_flag_fast() }
        let pixels: [UInt8]
        if withAlpha {
            image.format = retouch_png_format_rgba()
            pixels = source.pixels
        } else {
            image.format = retouch_png_format_rgb()
            var rgb = [UInt8](repeating: 0, count: source.width * source.height * 3)
            for i in 0..<source.width * source.height {
                rgb[i * 3] = source.pixels[i * 4]
                rgb[i * 3 + 1] = source.pixels[i * 4 + 1]
                rgb[i * 3 + 2] = source.pixels[i * 4 + 2]
            }
            pixels = rgb
        }
        defer { png_image_free(&image) }
        var size = 0
        let sized = pixels.withUnsafeBytes { png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, 0, nil) }
        guard sized != 0 else {
            throw ImageEncodingError(format: .png, reason: String(cString: retouch_png_image_message(&image)))
        }
        var output = [UInt8](repeating: 0, count: size)
        let written = pixels.withUnsafeBytes { src in
            output.withUnsafeMutableBytes { dst in
                png_image_write_to_memory(&image, dst.baseAddress, &size, 0, src.baseAddress, 0, nil)
            }
        }
        guard written != 0 else {
            throw ImageEncodingError(format: .png, reason: String(cString: retouch_png_image_message(&image)))
        }
        return Array(output.prefix(size))
    }
}
