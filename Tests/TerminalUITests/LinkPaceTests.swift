import Testing
@testable import TerminalUI

@Suite struct LinkPaceTests {
    @Test func aFastLinkNeverDraftsAndHoldsNothing() {
        var link = LinkPace()
        link.observe(unsent: 0)
        link.wrote(seconds: 0.01)
        #expect(!link.isSlow && !link.draftsPictures && !link.holdsPictures(unsent: 0))
        // A local terminal still reading the last frame gets the next one in full.
        link.observe(unsent: 4096)
        #expect(!link.draftsPictures)
    }

    @Test func aBacklogOrABlockedWriteMakesTheLinkSlow() {
        var backlog = LinkPace()
        backlog.observe(unsent: LinkPace.backlogLimit + 1)
        #expect(backlog.isSlow && backlog.holdsPictures(unsent: LinkPace.backlogLimit + 1))
        #expect(backlog.draftsPictures, "drafts go on once the backlog has drained")
        var blocked = LinkPace()
        blocked.wrote(seconds: 0.3)
        #expect(blocked.isSlow && blocked.draftsPictures)
    }

    @Test func draftsAreRefinedOnceKeysStopAndTheLinkIsIdle() {
        var link = LinkPace()
        link.drewDraft(at: 10)
        #expect(!link.refines(unsent: 0, now: 11), "keys may still be coming")
        #expect(!link.refines(unsent: 100, now: 13), "the link still carries the draft")
        #expect(link.refines(unsent: 0, now: 10 + LinkPace.refineAfter))
    }
}
