import Testing
import CNcursesw

@Suite struct NcurseswTests {
    @Test func wideCharacterAPIIsLinked() {
        // The wide-character entry points only exist when shim.h's defines took effect.
        var cell = cchar_t()
        var text: [wchar_t] = [0x2580, 0]  // ▀, the half-block the previews draw with
        #expect(setcchar(&cell, &text, 0, 0, nil) == OK)
        #expect(String(cString: curses_version()).hasPrefix("ncurses 6"))
    }
}
