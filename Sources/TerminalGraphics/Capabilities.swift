/// How pictures are drawn.
public enum GraphicsMode: String, Sendable, CaseIterable {
    case auto, sixel, kitty, iterm, halfblock, none

    /// The terminal is worth asking: to choose a mode, or for the cell size pixel pictures are fitted to.
    public var wantsProbe: Bool { self != .halfblock && self != .none }
}

/// What the terminal said in answer to the probe's queries.
public struct TerminalReplies: Equatable, Sendable {
    /// DA1 parameters (`ESC [ ? 62 ; 4 ; 22 c`): 4 means sixel.
    public var deviceAttributes: [Int]?
    /// XTSMGRAPHICS: number of sixel colour registers.
    public var sixelColorRegisters: Int?
    /// XTSMGRAPHICS: largest sixel image, in pixels.
    public var sixelMaxSize: (width: Int, height: Int)?
    /// CSI 16 t: one cell, in pixels.
    public var cellSize: (width: Int, height: Int)?
    /// CSI 14 t: the text area, in pixels.
    public var textAreaSize: (width: Int, height: Int)?
    /// kitty answered its graphics query with OK.
    public var kittyGraphics = false

    public init() {}

    public static func == (a: TerminalReplies, b: TerminalReplies) -> Bool {
        a.deviceAttributes == b.deviceAttributes && a.sixelColorRegisters == b.sixelColorRegisters
            && a.sixelMaxSize?.width == b.sixelMaxSize?.width && a.sixelMaxSize?.height == b.sixelMaxSize?.height
            && a.cellSize?.width == b.cellSize?.width && a.cellSize?.height == b.cellSize?.height
            && a.textAreaSize?.width == b.textAreaSize?.width && a.textAreaSize?.height == b.textAreaSize?.height
            && a.kittyGraphics == b.kittyGraphics
    }

    public var supportsSixel: Bool { deviceAttributes?.contains(4) == true }
    /// DA1 comes last among the queries, so its answer means every answer is in.
    public var isComplete: Bool { deviceAttributes != nil }

    /// The queries, DA1 last. Inside tmux the kitty query goes through to the outer terminal:
    /// tmux itself would take the bare APC for a pane title.
    public static func queries(insideTmux: Bool = false) -> [UInt8] {
        let kitty = Array("\u{1B}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\u{1B}\\".utf8)
        return (insideTmux ? TmuxPassthrough.wrap(kitty) : kitty)
            + Array(("\u{1B}[?1;1;0S" + "\u{1B}[?2;1;0S" + "\u{1B}[16t" + "\u{1B}[14t" + "\u{1B}[c").utf8)
    }

    /// Reads every complete answer in `bytes`, in any order, skipping anything else (typed
    /// keys, garbage, a reply cut short at the end).
    public static func parse(_ bytes: [UInt8]) -> TerminalReplies {
        var replies = TerminalReplies()
        var i = 0
        while i < bytes.count {
            guard bytes[i] == 0x1B, i + 1 < bytes.count else { i += 1; continue }
            if bytes[i + 1] == 0x5B {  // CSI
                var j = i + 2
                let privateMarker = j < bytes.count && bytes[j] == 0x3F
                if privateMarker { j += 1 }
                var numbers: [Int] = []
                var current: Int?
                var final: UInt8?
                while j < bytes.count {
                    let b = bytes[j]
                    if (0x30...0x39).contains(b) {
                        current = (current ?? 0) * 10 + Int(b - 0x30)
                        if current! > 1_000_000 { break }
                    } else if b == 0x3B {
                        numbers.append(current ?? 0)
                        current = nil
                    } else if (0x40...0x7E).contains(b) {
                        final = b
                        break
                    } else {
                        break
                    }
                    j += 1
                }
                guard let final else { i += 1; continue }
                if let current { numbers.append(current) }
                switch (privateMarker, final) {
                case (true, 0x63): replies.deviceAttributes = numbers
                case (true, 0x53) where numbers.count >= 3 && numbers[1] == 0:
                    if numbers[0] == 1 { replies.sixelColorRegisters = numbers[2] }
                    if numbers[0] == 2 && numbers.count >= 4 { replies.sixelMaxSize = (numbers[2], numbers[3]) }
                case (false, 0x74) where numbers.count == 3 && numbers[1] > 0 && numbers[2] > 0:
                    if numbers[0] == 6 { replies.cellSize = (numbers[2], numbers[1]) }
                    if numbers[0] == 4 { replies.textAreaSize = (numbers[2], numbers[1]) }
                default: break
                }
                i = j + 1
            } else if bytes[i + 1] == 0x5F {  // APC: kitty's answer
                var j = i + 2
                while j + 1 < bytes.count && !(bytes[j] == 0x1B && bytes[j + 1] == 0x5C) { j += 1 }
                guard j + 1 < bytes.count else { break }
                let body = String(decoding: bytes[(i + 2)..<j], as: UTF8.self)
                if body.hasPrefix("Gi=31") && body.hasSuffix(";OK") { replies.kittyGraphics = true }
                i = j + 2
            } else {
                i += 1
            }
        }
        return replies
    }
}

/// Environment hints, read before (or instead of) asking the terminal.
public struct TerminalHints: Sendable {
    public var term: String?
    public var termProgram: String?
    public var colorTerm: String?
    public var kittyWindowID: String?
    public var tmux: String?
    public var screen: String?

    public init(environment: [String: String]) {
        self.init { environment[$0] }
    }

    /// From `variable`, which gives an environment variable's value by name.
    public init(variable: (String) -> String?) {
        term = variable("TERM")
        termProgram = variable("TERM_PROGRAM")
        colorTerm = variable("COLORTERM")
        kittyWindowID = variable("KITTY_WINDOW_ID")
        tmux = variable("TMUX")
        screen = variable("STY")
    }

    public var insideTmux: Bool { tmux != nil }
    public var insideScreen: Bool { screen != nil || term?.hasPrefix("screen") == true && tmux == nil }
    public var trueColor: Bool {
        // "xterm-direct", "kitty-direct16"…: by words, as the substring search of
        // _StringProcessing costs a runtime conformance lookup (0.3 ms) at its first use.
        colorTerm == "truecolor" || colorTerm == "24bit" || term?.split(separator: "-").contains { $0.hasPrefix("direct") } == true
            || kittyWindowID != nil || ["iTerm.app", "WezTerm", "ghostty"].contains(termProgram ?? "")
    }
}

/// What the terminal's sixel can take, from its answers to XTSMGRAPHICS.
public struct SixelLimits: Equatable, Sendable {
    /// Colour registers: a picture with more colours than this would paint with the wrong ones
    /// (a VT340 has 16). At most 256, which is all a palette index holds.
    public var colors: Int
    /// The largest picture, in pixels, when the terminal says.
    public var maxWidth: Int?
    public var maxHeight: Int?

    public init(colors: Int = 256, maxWidth: Int? = nil, maxHeight: Int? = nil) {
        self.colors = min(256, max(2, colors))
        self.maxWidth = maxWidth.map { max(1, $0) }
        self.maxHeight = maxHeight.map { max(1, $0) }
    }

    public init(replies: TerminalReplies?) {
        self.init(colors: replies?.sixelColorRegisters ?? 256, maxWidth: replies?.sixelMaxSize?.width,
                  maxHeight: replies?.sixelMaxSize?.height)
    }

    /// A picture of `width` x `height` shrunk, aspect kept, to the largest the terminal takes.
    public func fitting(width: Int, height: Int) -> (width: Int, height: Int) {
        let scale = min(1, Double(maxWidth ?? width) / Double(max(1, width)), Double(maxHeight ?? height) / Double(max(1, height)))
        guard scale < 1 else { return (width, height) }
        return (max(1, Int(Double(width) * scale)), max(1, Int(Double(height) * scale)))
    }
}

/// The choice of how to draw, from an override, the terminal's answers and the environment.
public struct GraphicsChoice: Equatable, Sendable {
    public var mode: GraphicsMode
    public var colors: HalfBlock.Colors
    /// Wrap image escapes for tmux's passthrough.
    public var tmuxPassthrough: Bool
    public var sixel: SixelLimits

    public init(mode: GraphicsMode, colors: HalfBlock.Colors, tmuxPassthrough: Bool, sixel: SixelLimits = SixelLimits()) {
        self.mode = mode
        self.colors = colors
        self.tmuxPassthrough = tmuxPassthrough
        self.sixel = sixel
    }

    public static func choose(override: GraphicsMode, replies: TerminalReplies?, hints: TerminalHints) -> GraphicsChoice {
        var choice = chooseMode(override: override, replies: replies, hints: hints)
        choice.sixel = SixelLimits(replies: replies)
        return choice
    }

    private static func chooseMode(override: GraphicsMode, replies: TerminalReplies?, hints: TerminalHints) -> GraphicsChoice {
        let colors: HalfBlock.Colors = hints.trueColor ? .trueColor : .palette256
        if override != .auto {
            return GraphicsChoice(mode: override, colors: colors, tmuxPassthrough: hints.insideTmux && override != .halfblock && override != .none)
        }
        // GNU screen passes no image protocol through; tmux only with passthrough, which the
        // probe cannot see: half-blocks are the dependable choice in both.
        if hints.insideScreen || hints.insideTmux {
            return GraphicsChoice(mode: .halfblock, colors: colors, tmuxPassthrough: false)
        }
        if replies?.kittyGraphics == true || hints.kittyWindowID != nil {
            return GraphicsChoice(mode: .kitty, colors: .trueColor, tmuxPassthrough: false)
        }
        if ["iTerm.app", "WezTerm"].contains(hints.termProgram ?? "") {
            return GraphicsChoice(mode: .iterm, colors: .trueColor, tmuxPassthrough: false)
        }
        if replies?.supportsSixel == true {
            return GraphicsChoice(mode: .sixel, colors: colors, tmuxPassthrough: false)
        }
        return GraphicsChoice(mode: .halfblock, colors: colors, tmuxPassthrough: false)
    }
}
