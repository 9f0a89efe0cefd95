import CJPEG
import Raster

/// JPEG through libjpeg-turbo behind the CJPEG bridge. Baseline and progressive, greyscale,
/// YCbCr, RGB and (Adobe) CMYK; the EXIF orientation is applied so pixels come out upright.
enum JPEGCodec {
    /// With `atLeast`, the DCT reduces the picture by the largest of 1/2, 1/4 or 1/8 that keeps
    /// both sides at least that large (in either orientation).
    static func decode(_ bytes: [UInt8], pixelLimit: Int, atLeast minimum: (width: Int, height: Int)? = nil)
        throws(ImageDecodingError) -> DecodedImage {
        var info = retouch_jpeg_info()
        let headerStatus = bytes.withUnsafeBufferPointer { retouch_jpeg_read_header($0.baseAddress, $0.count, &info) }
        try check(headerStatus, &info)
        let fullWidth = Int(info.width), fullHeight = Int(info.height)
        try ImageDecoder.checkDimensions(.jpeg, width: fullWidth, height: fullHeight, limit: pixelLimit)
        let denominator = minimum.map { scaleDenominator(width: fullWidth, height: fullHeight, atLeast: $0) } ?? 1
        let width = (fullWidth + denominator - 1) / denominator, height = (fullHeight + denominator - 1) / denominator

        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        let status = bytes.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                retouch_jpeg_decode_rgba(src.baseAddress, src.count, UInt32(denominator), dst.baseAddress, dst.count, &info)
            }
        }
        try check(status, &info)

        let orientation = EXIFOrientation.read(fromJPEG: bytes)
        let image = RGBAImage(width: width, height: height, pixels: pixels).applying(orientation)
        var notes: [String] = []
        if info.progressive != 0 { notes.append("progressive") }
        if orientation != .up { notes.append("EXIF orientation \(orientation.rawValue)") }
        if denominator > 1 { notes.append("decoded at 1/\(denominator)") }
        let description = ImageDescription(
            format: .jpeg, width: orientation.swapsAxes ? fullHeight : fullWidth,
            height: orientation.swapsAxes ? fullWidth : fullHeight, colorType: colorName(info.color, components: Int(info.components)),
            channels: channels(info.color), hasAlpha: false, notes: notes, orientation: orientation)
        return DecodedImage(image: image, description: description)
    }

    static func scaleDenominator(width: Int, height: Int, atLeast minimum: (width: Int, height: Int)) -> Int {
        let long = max(minimum.width, minimum.height), short = min(minimum.width, minimum.height)
        return [8, 4, 2].first { d in
            max((width + d - 1) / d, (height + d - 1) / d) >= long && min((width + d - 1) / d, (height + d - 1) / d) >= short
        } ?? 1
    }

    private static func check(_ status: Int32, _ info: inout retouch_jpeg_info) throws(ImageDecodingError) {
        let message = cString(&info.message)
        switch status {
        case Int32(RETOUCH_JPEG_OK.rawValue): return
        case Int32(RETOUCH_JPEG_TRUNCATED.rawValue): throw .truncated(.jpeg, detail: message)
        case Int32(RETOUCH_JPEG_UNSUPPORTED.rawValue): throw .unsupportedFeature(.jpeg, detail: message)
        default: throw .corrupt(.jpeg, detail: message.isEmpty ? "libjpeg gave no reason" : message)
        }
    }

    private static func channels(_ color: Int32) -> ChannelLayout {
        switch UInt32(color) {
        case RETOUCH_JPEG_COLOR_GRAY.rawValue: .grey
        case RETOUCH_JPEG_COLOR_CMYK.rawValue, RETOUCH_JPEG_COLOR_YCCK.rawValue: .cmyk
        default: .rgb
        }
    }

    private static func colorName(_ color: Int32, components: Int) -> String {
        switch UInt32(color) {
        case RETOUCH_JPEG_COLOR_GRAY.rawValue: "greyscale"
        case RETOUCH_JPEG_COLOR_YCBCR.rawValue: "YCbCr"
        case RETOUCH_JPEG_COLOR_RGB.rawValue: "RGB"
        case RETOUCH_JPEG_COLOR_CMYK.rawValue: "CMYK"
        case RETOUCH_JPEG_COLOR_YCCK.rawValue: "YCCK"
        default: "\(components) components"
        }
    }

    static func encode(_ image: RGBAImage, quality: Int, progressive: Bool) throws(ImageEncodingError) -> [UInt8] {
        guard image.width > 0, image.height > 0 else {
            throw ImageEncodingError(format: .jpeg, reason: "the image is empty (\(image.width)x\(image.height))")
        }
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 200)
        let status = image.pixels.withUnsafeBufferPointer { src in
            message.withUnsafeMutableBufferPointer { text in
                retouch_jpeg_encode_rgba(src.baseAddress, UInt32(image.width), UInt32(image.height), Int32(quality),
                                         progressive ? 1 : 0, &output, &size, text.baseAddress)
            }
        }
        guard status == Int32(RETOUCH_JPEG_OK.rawValue), let output else {
            throw ImageEncodingError(format: .jpeg, reason: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        defer { retouch_jpeg_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }
}

/// Finds the orientation tag (0x0112) in a JPEG's EXIF (APP1) segment. Malformed EXIF is
/// ignored: the image is then shown as stored, as browsers do.
enum EXIFOrientation {
    static func read(fromJPEG bytes: [UInt8]) -> Orientation {
        var offset = 2
        while offset + 4 <= bytes.count, bytes[offset] == 0xFF {
            let marker = bytes[offset + 1]
            // Start of scan or end of image: no EXIF before the pixels.
            if marker == 0xDA || marker == 0xD9 { break }
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            guard length >= 2, offset + 2 + length <= bytes.count else { break }
            let body = offset + 4
            if marker == 0xE1, length >= 8, Array(bytes[body..<body + 6]) == [0x45, 0x78, 0x69, 0x66, 0, 0] {
                return orientation(inTIFF: Array(bytes[body + 6..<offset + 2 + length])) ?? .up
            }
            offset += 2 + length
        }
        return .up
    }

    private static func orientation(inTIFF tiff: [UInt8]) -> Orientation? {
        guard tiff.count >= 8 else { return nil }
        let littleEndian: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): littleEndian = true
        case (0x4D, 0x4D): littleEndian = false
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            return littleEndian ? Int(tiff[at]) | Int(tiff[at + 1]) << 8 : Int(tiff[at]) << 8 | Int(tiff[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let high = u16(littleEndian ? at + 2 : at), let low = u16(littleEndian ? at : at + 2) else { return nil }
            return high << 16 | low
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
        for entry in 0..<count {
            let at = ifd + 2 + entry * 12
            guard let tag = u16(at) else { return nil }
            if tag == 0x0112, let value = u16(at + 8) {
                return Orientation(rawValue: value)
            }
        }
        return nil
    }
}
