/// Events of an image edit's stream as OpenAI's server writes them, for scripted replies.
public enum EditEvents {
    /// A partial image, its PNG in base64.
    public static func partialImage(_ base64: String, index: Int) -> String {
        "event: image_edit.partial_image\n"
            + "data: {\"type\":\"image_edit.partial_image\",\"b64_json\":\"\(base64)\",\"partial_image_index\":\(index)}\n\n"
    }

    /// The result, its PNG in base64, with `usage` (a JSON object).
    public static func completed(_ base64: String, usage: String = #"{"total_tokens":9}"#) -> String {
        "event: image_edit.completed\n"
            + "data: {\"type\":\"image_edit.completed\",\"b64_json\":\"\(base64)\",\"usage\":\(usage)}\n\n"
    }
}
