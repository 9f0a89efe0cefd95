/// Byte counts for people: "812 bytes", "1.4 MB" (binary units, as the API's limits are).
public enum ByteCount {
    public static func format(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) bytes" }
        let units = ["KB", "MB", "GB", "TB"]
        var value = Double(bytes) / 1024
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        let rounded = value >= 100 ? "\(Int(value.rounded()))" : "\((value * 10).rounded() / 10)"
        return "\(rounded) \(units[unit])"
    }
}
