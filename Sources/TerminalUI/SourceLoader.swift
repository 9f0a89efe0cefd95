import EditorCore
import ImageCodecs
import ImageEditModel
import Raster

/// Reads an image file into what the editor keeps of a source: its facts and a preview copy.
public enum SourceLoader {
    /// `previewSide`: the preview's longest side at most (the picker's thumbnail is smaller).
    public static func load(_ path: String, previewSide: Int = 1024) throws(ImageFileError) -> SourceImage {
        let (bytes, decoded) = try ImageFile.load(path: path, fitting: (previewSide, previewSide))
        let header = ImageHeader.read(bytes)
        let image = decoded.image
        // The file's upright size shown in the preview's box: what it was decoded for.
        let fit = RGBAImage.shownSize(width: decoded.description.width, height: decoded.description.height,
                                      maxWidth: previewSide, maxHeight: previewSide)
        let preview = fit == (image.width, image.height) ? image : image.resized(width: fit.width, height: fit.height)
        return SourceImage(path: path, facts: InputFacts(name: path, byteCount: bytes.count, header: header),
                           width: decoded.description.width, height: decoded.description.height, preview: preview)
    }
}
