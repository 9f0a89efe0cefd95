import Foundation

/// A URL as it may be recorded or shown: without `user:password@` and without its query or
/// fragment (where tokens and signatures travel). Every URL written to a sidecar, the session
/// store, the status line or an error message goes through here.
public enum URLRedaction {
    /// `url` without userinfo, query and fragment; text that is not a URL comes back as it is.
    public static func redact(_ url: String) -> String {
        if var components = URLComponents(string: url), components.scheme != nil {
            guard components.user != nil || components.password != nil || components.query != nil || components.fragment != nil
            else { return url }
            components.user = nil
            components.password = nil
            components.query = nil
            components.fragment = nil
            if let redacted = components.string { return redacted }
        }
        return byHand(url)
    }

    /// Free text (an error message, a store's old record) with each URL in it redacted.
    public static func redactURLs(in text: String) -> String {
        guard text.contains("://") else { return text }
        var out = ""
        var rest = Substring(text)
        while let marker = rest.range(of: "://") {
            // The scheme: the letters, digits, + - . just before "://".
            var start = marker.lowerBound
            while start > rest.startIndex {
                let before = rest[rest.index(before: start)]
                guard before.isASCII, before.isLetter || before.isNumber || "+-.".contains(before) else { break }
                start = rest.index(before: start)
            }
            var end = rest[marker.upperBound...].firstIndex(where: { $0.isWhitespace || "\"'<>`".contains($0) }) ?? rest.endIndex
            // Punctuation that ends a sentence ("…/edits: refused") is the text's, not the URL's.
            while end > marker.upperBound, ".,:;!)]".contains(rest[rest.index(before: end)]) { end = rest.index(before: end) }
            out += rest[..<start]
            out += start == marker.lowerBound ? String(rest[start..<end]) : redact(String(rest[start..<end]))
            rest = rest[end...]
        }
        return out + rest
    }

    /// For text URLComponents will not parse (spaces, stray characters): drops what follows
    /// `?` or `#`, and everything up to the last `@` of the authority.
    static func byHand(_ url: String) -> String {
        var text = Substring(url)
        if let end = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<end] }
        guard let schemeEnd = text.range(of: "://") else { return String(text) }
        let authorityStart = schemeEnd.upperBound
        let authorityEnd = text[authorityStart...].firstIndex(of: "/") ?? text.endIndex
        guard let at = text[authorityStart..<authorityEnd].lastIndex(of: "@") else { return String(text) }
        return String(text[..<authorityStart]) + String(text[text.index(after: at)...])
    }
}
