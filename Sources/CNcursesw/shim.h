#ifndef RETOUCH_CNCURSESW_SHIM_H
#define RETOUCH_CNCURSESW_SHIM_H
// SwiftPM drops pkg-config's -D_XOPEN_SOURCE; without these the wide-character API
// (get_wch, add_wch, setcchar) is not declared.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <ncursesw/curses.h>

// Macros and globals Swift cannot import (Swift 6 refuses global mutable state).
static inline WINDOW *retouch_stdscr(void) { return stdscr; }
static inline int retouch_lines(void) { return LINES; }
static inline int retouch_cols(void) { return COLS; }
static inline int retouch_colors(void) { return COLORS; }
static inline int retouch_key_f(int n) { return KEY_F(n); }
static inline attr_t retouch_a_bold(void) { return A_BOLD; }
static inline attr_t retouch_a_reverse(void) { return A_REVERSE; }
static inline attr_t retouch_a_normal(void) { return A_NORMAL; }
static inline mmask_t retouch_mouse_mask(void) { return ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION; }
static inline mmask_t retouch_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t retouch_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t retouch_mouse_position(void) { return REPORT_MOUSE_POSITION; }
#endif
