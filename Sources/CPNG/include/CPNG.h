#ifndef RETOUCH_CPNG_H
#define RETOUCH_CPNG_H
#include <stddef.h>
#include <stdint.h>
#include <libpng16/png.h>

// Decoding uses libpng's full API behind this bridge: errors longjmp inside C only and come back
// as status codes. (The simplified API's png_image_finish_read scales Adam7-interlaced 16-bit
// images wrongly in libpng 1.6.39, pnggroup/libpng#853.)
typedef enum {
    RETOUCH_PNG_OK = 0,
    RETOUCH_PNG_CORRUPT = 1,
    RETOUCH_PNG_TRUNCATED = 2,
    RETOUCH_PNG_BAD_ARGUMENT = 3,
    RETOUCH_PNG_NOT_HANDLED = 4     // the fast path declines; use retouch_png_decode_rgba
} retouch_png_status;

typedef struct {
    uint32_t width;
    uint32_t height;
    int32_t bit_depth;
    int32_t color_type;
    int32_t interlaced;
    int32_t has_transparency_chunk; // tRNS present
    char message[200];
} retouch_png_info;

int retouch_png_read_header(const uint8_t *data, size_t size, retouch_png_info *info);

// Decodes into straight 8-bit RGBA; `rgba` holds width * height * 4 bytes.
int retouch_png_decode_rgba(const uint8_t *data, size_t size, uint8_t *rgba, size_t rgba_size,
                            retouch_png_info *info);

// Decodes a non-interlaced PNG shrunk to out_width x out_height (no larger than the image),
// reading one row at a time: each output pixel is the alpha-weighted area mean of what it
// covers. RETOUCH_PNG_NOT_HANDLED for an interlaced file (decode it whole instead).
int retouch_png_decode_shrunk_rgba(const uint8_t *data, size_t size, uint32_t out_width, uint32_t out_height,
                                   uint8_t *rgba, size_t rgba_size, retouch_png_info *info);

// Decodes 8-bit RGB/RGBA non-interlaced PNGs without tRNS several times faster (libdeflate).
// Returns RETOUCH_PNG_OK, or RETOUCH_PNG_NOT_HANDLED for anything else or any problem.
int retouch_png_fast_decode_rgba(const uint8_t *data, size_t size, uint8_t *rgba, size_t rgba_size);

// Encodes straight 8-bit RGBA pixels as an 8-bit RGB (channels 3, alpha dropped) or RGBA
// (channels 4) PNG with an sRGB chunk, deflated by libdeflate at `level` (0-12, 0 storing): every row with
// `filter` (0-4), or with -1 each row with the filter libpng's heuristic picks. `out` holds at
// least retouch_png_encode_bound bytes. Returns the PNG's size, 0 on failure (out of memory, bad
// arguments).
size_t retouch_png_encode_bound(uint32_t width, uint32_t height, int channels);
size_t retouch_png_encode(const uint8_t *rgba, uint32_t width, uint32_t height, int channels, int level, int filter,
                          uint8_t *out, size_t out_size);
#endif
