/// Retouch's version: shown by `--version` and sent in the User-Agent header.
public enum RetouchVersion {
    public static let string = "0.1.0"
}
