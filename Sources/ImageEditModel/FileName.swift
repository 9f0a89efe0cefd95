import Foundation

/// The last component of a path, as Foundation reads it: `a/b.png` → `b.png`, `a/b/` → `b`.
public enum FileName {
    public static func last(of path: String) -> String {
        let name = (path as NSString).lastPathComponent
        return name.isEmpty ? path : name
    }
}
