import CWebP
import Raster

/// WebP through libwebp, which reports failures as status codes. Lossy, lossless and alpha;
/// animated files are refused (the API takes still images).
enum WebPCodec {
    static func decode(_ bytes: [UInt8], pixelLimit: Int) throws(ImageDecodingError) -> DecodedImage {
        var features = WebPBitstreamFeatures()
        let featureStatus = bytes.withUnsafeBufferPointer { WebPGetFeatures($0.baseAddress, $0.count, &features) }
        try check(featureStatus)
        if features.has_animation != 0 {
            throw .unsupportedFeature(.webp, detail: "animated WebP; export one frame as a still image")
        }
        let width = Int(features.width), height = Int(features.height)
        try ImageDecoder.checkDimensions(.webp, width: width, height: height, limit: pixelLimit)

        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        var config = WebPDecoderConfig()
        guard WebPInitDecoderConfig(&config) != 0 else {
            throw .unsupportedFeature(.webp, detail: "libwebp version mismatch")
        }
        let status = bytes.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                config.output.colorspace = MODE_RGBA
                config.output.is_external_memory = 1
                config.output.u.RGBA.rgba = dst.baseAddress
                config.output.u.RGBA.stride = Int32(width * 4)
                config.output.u.RGBA.size = dst.count
                return WebPDecode(src.baseAddress, src.count, &config)
            }
        }
        WebPFreeDecBuffer(&config.output)
        try check(status)

        let kind = switch features.format {
        case 1: "lossy"
        case 2: "lossless"
        default: "mixed"
        }
        let description = ImageDescription(format: .webp, width: width, height: height,
                                           colorType: features.has_alpha != 0 ? "\(kind) with alpha" : kind,
                                           channels: features.has_alpha != 0 ? .rgba : .rgb,
                                           hasAlpha: features.has_alpha != 0)
        return DecodedImage(image: RGBAImage(width: width, height: height, pixels: pixels), description: description)
    }

    private static func check(_ status: VP8StatusCode) throws(ImageDecodingError) {
        switch status {
        case VP8_STATUS_OK: return
        case VP8_STATUS_NOT_ENOUGH_DATA: throw .truncated(.webp, detail: "libwebp needs more data")
        case VP8_STATUS_UNSUPPORTED_FEATURE: throw .unsupportedFeature(.webp, detail: "a feature libwebp does not decode")
        case VP8_STATUS_BITSTREAM_ERROR: throw .corrupt(.webp, detail: "bitstream error")
        case VP8_STATUS_OUT_OF_MEMORY: throw .corrupt(.webp, detail: "out of memory while decoding")
        default: throw .corrupt(.webp, detail: "libwebp status \(status.rawValue)")
        }
    }

    static func encode(_ image: RGBAImage, quality: Int, lossless: Bool) throws(ImageEncodingError) -> [UInt8] {
        guard image.width > 0, image.height > 0, image.width <= 16383, image.height <= 16383 else {
            throw ImageEncodingError(format: .webp, reason: "WebP holds 1 to 16383 pixels a side, not \(image.width)x\(image.height)")
        }
        var output: UnsafeMutablePointer<UInt8>?
        let size = image.pixels.withUnsafeBufferPointer { src in
            lossless
                ? WebPEncodeLosslessRGBA(src.baseAddress, Int32(image.width), Int32(image.height), Int32(image.width * 4), &output)
                : WebPEncodeRGBA(src.baseAddress, Int32(image.width), Int32(image.height), Int32(image.width * 4),
                                 Float(max(0, min(100, quality))), &output)
        }
        guard size > 0, let output else { throw ImageEncodingError(format: .webp, reason: "libwebp could not encode the image") }
        defer { WebPFree(output) }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }
}
