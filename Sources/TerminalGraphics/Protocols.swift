import Foundation

/// The kitty graphics protocol and iTerm2 inline images: both carry an encoded image (PNG),
/// so the terminal scales it and the bytes are few.
public enum KittyGraphics {
    public static let maxChunk = 4096

    /// Transmit-and-display of a PNG as image `id` in `columns` x `rows` cells (nil: the image's
    /// own pixel size; both given, the picture is stretched to fill them). Re-sending the same
    /// id replaces the picture and its placement (partial images); `p=1` names the one
    /// placement. Without an id, no later picture replaces it. `q=2` keeps replies off stdin;
    /// `C=1` leaves the cursor where it was, else it ends on the picture's last row, past its
    /// last column, as after a sixel image.
    /// `layer` above 0 draws over pictures of lower layers; `cellOffset` moves the picture by
    /// pixels within its first cell.
    public static func display(png: [UInt8], id: Int?, columns: Int?, rows: Int?, layer: Int = 0,
                               cellOffset: (x: Int, y: Int) = (0, 0), movesCursor: Bool = false) -> [UInt8] {
        let payload = Array(Base64.encode(png).utf8)
        var out: [UInt8] = []
        var offset = 0
        repeat {
            let end = min(payload.count, offset + maxChunk)
            let more = end < payload.count ? 1 : 0
            var size = (columns.map { ",c=\($0)" } ?? "") + (rows.map { ",r=\($0)" } ?? "")
            if layer != 0 { size += ",z=\(layer)" }
            if cellOffset != (0, 0) { size += ",X=\(cellOffset.x),Y=\(cellOffset.y)" }
            let placement = (id.map { "i=\($0),p=1," } ?? "") + "q=2" + (movesCursor ? "" : ",C=1")
            let keys = offset == 0 ? "a=T,f=100,\(placement)\(size),m=\(more)" : "m=\(more)"
            out += Array("\u{1B}_G\(keys);".utf8) + payload[offset..<end] + Array("\u{1B}\\".utf8)
            offset = end
        } while offset < payload.count
        return out
    }

    /// Deletes image `id` and its placements.
    public static func delete(id: Int) -> [UInt8] {
        Array("\u{1B}_Ga=d,d=I,i=\(id),q=2\u{1B}\\".utf8)
    }
}

public enum ITermInlineImage {
    /// An inline image sized to `columns` x `rows` cells, aspect kept.
    public static func display(encoded: [UInt8], columns: Int, rows: Int, name: String = "image") -> [UInt8] {
        let header = "\u{1B}]1337;File=name=\(Base64.encode(Array(name.utf8)));inline=1;size=\(encoded.count);"
            + "width=\(columns);height=\(rows);preserveAspectRatio=1:"
        return Array(header.utf8) + Array(Base64.encode(encoded).utf8) + [0x07]
    }
}

/// tmux (before sixel support, or for kitty/iTerm2) forwards a DCS passthrough to the outer
/// terminal when `allow-passthrough` is on: the payload with every ESC doubled.
public enum TmuxPassthrough {
    public static func wrap(_ payload: [UInt8]) -> [UInt8] {
        var out = Array("\u{1B}Ptmux;".utf8)
        out.reserveCapacity(payload.count + payload.count / 16 + 10)
        for byte in payload {
            if byte == 0x1B { out.append(0x1B) }
            out.append(byte)
        }
        return out + Array("\u{1B}\\".utf8)
    }
}

/// Standard base64 without line breaks, by Foundation.
public enum Base64 {
    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }
}
