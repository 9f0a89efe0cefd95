/// The form fields of `POST /v1/images/edits`, named once: the multipart writer, the local
/// server's parser, the sidecar and the editor's parameters all read their names from here.
public enum EditField: String, CaseIterable, Sendable {
    case image, mask
    case model, prompt, background
    case inputFidelity = "input_fidelity"
    case n
    case outputCompression = "output_compression"
    case outputFormat = "output_format"
    case partialImages = "partial_images"
    case quality
    case responseFormat = "response_format"
    case size, stream, user

    /// The name of the image field when several images are sent, as OpenAI's SDKs send them.
    public static let repeatedImageName = "image[]"

    /// The file fields.
    public static let files: [EditField] = [.image, .mask]
    /// The text fields, in the order they are sent.
    public static let textFields: [EditField] = allCases.filter { !files.contains($0) }

    /// The field a form part's name stands for: `image` and `image[]` are both `.image`.
    public init?(partName: String) {
        if partName == Self.repeatedImageName {
            self = .image
        } else {
            self.init(rawValue: partName)
        }
    }

    /// The name the image field is sent under for `count` images.
    public static func imageName(count: Int) -> String {
        count == 1 ? image.rawValue : repeatedImageName
    }

    public var isInteger: Bool { [.n, .outputCompression, .partialImages].contains(self) }
    public var isBoolean: Bool { self == .stream }
}
