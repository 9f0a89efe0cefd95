/// How fast the link to the terminal carries pictures, and what that asks of them. Pure: the
/// terminal reports what it measured (TIOCOUTQ, how long a write blocked).
struct LinkPace {
    /// Pictures wait while more than this is still on its way to the terminal, so a slow link
    /// never queues a picture that a newer one replaces: the latest is drawn once there is room.
    static let backlogLimit = 16 * 1024
    /// A write that blocks this long means the link, not the terminal, sets the pace.
    static let slowWrite = 0.25
    /// Drafts are drawn in full once none has been needed for this long and the link has
    /// carried everything. A whole picture holds the link for seconds (over 2 Mbit/s, 3 s for
    /// 160x48 cells), so it waits until keys have clearly stopped.
    static let refineAfter = 2.0

    /// Output has once waited on the link: from then on whole pictures go as drafts first.
    private(set) var isSlow = false
    private var lastDraft = -Double.infinity

    mutating func observe(unsent: Int) {
        if unsent > Self.backlogLimit { isSlow = true }
    }

    mutating func wrote(seconds: Double) {
        if seconds > Self.slowWrite { isSlow = true }
    }

    func holdsPictures(unsent: Int) -> Bool { unsent > Self.backlogLimit }

    /// Whole pictures (iTerm2, kitty) go as drafts over a slow link only: a local terminal
    /// still reading the last frame is no reason to show a blurred one.
    var draftsPictures: Bool { isSlow }

    mutating func drewDraft(at now: Double) { lastDraft = now }

    func refines(unsent: Int, now: Double) -> Bool { unsent == 0 && now - lastDraft >= Self.refineAfter }
}
