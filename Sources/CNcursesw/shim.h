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
#endif
