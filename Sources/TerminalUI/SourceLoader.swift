import EditorCore
import ImageCodecs
import ImageEditAPI
import Raster

/// Reads an image file into what the editor keeps of a source: its facts and a preview copy.
public enum SourceLoader {
    public static func load(_ path: String) throws(ImageFileError) -> SourceImage {
        let (bytes, decoded) = try ImageFile.load(path: path)
        let header = ImageHeader.read(Array(bytes.prefix(512 * 1024)))
        let image = decoded.image
        let fit = image.fittingSize(maxWidth: 1024, maxHeight: 1024)
        let preview = fit.width < image.width ? image.resized(width: fit.width, height: fit.height) : image
        return SourceImage(path: path, facts: InputFacts(name: path, byteCount: bytes.count, header: header),
                           width: decoded.description.width, height: decoded.description.height, preview: preview)
    }
}
