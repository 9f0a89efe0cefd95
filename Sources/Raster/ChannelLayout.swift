/// How an encoded file stores its channels, before decoding widens everything to RGBA.
/// Some API rules depend on it (dall-e-2 wants greyscale or an alpha channel).
public enum ChannelLayout: String, Sendable, Codable {
    case grey, greyAlpha, rgb, rgba, palette, paletteAlpha, cmyk
}
