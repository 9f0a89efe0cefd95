#ifndef RETOUCH_CJPEG_H
#define RETOUCH_CJPEG_H
#include <stddef.h>
#include <stdint.h>

// Status codes returned by every call; never an abort, never a longjmp into Swift.
typedef enum {
    RETOUCH_JPEG_OK = 0,
    RETOUCH_JPEG_CORRUPT = 1,     // libjpeg raised an error; message says which
    RETOUCH_JPEG_TRUNCATED = 2,   // the data ended before the image did
    RETOUCH_JPEG_UNSUPPORTED = 3, // a valid JPEG in a colour space we do not convert
    RETOUCH_JPEG_BAD_ARGUMENT = 4
} retouch_jpeg_status;

typedef enum {
    RETOUCH_JPEG_COLOR_GRAY = 0,
    RETOUCH_JPEG_COLOR_YCBCR = 1,
    RETOUCH_JPEG_COLOR_RGB = 2,
    RETOUCH_JPEG_COLOR_CMYK = 3,
    RETOUCH_JPEG_COLOR_YCCK = 4,
    RETOUCH_JPEG_COLOR_OTHER = 5
} retouch_jpeg_color;

typedef struct {
    uint32_t width;
    uint32_t height;
    int32_t components;
    int32_t color;        // retouch_jpeg_color
    int32_t progressive;  // 1 when the file is progressive (SOF2)
    char message[200];    // libjpeg's text when status is not OK
} retouch_jpeg_info;

// Reads only the header: dimensions, colour space, progressive flag.
int retouch_jpeg_read_header(const uint8_t *data, size_t size, retouch_jpeg_info *info);

// Decodes into `rgba`, reduced by 1/scale_denom (1, 2, 4 or 8) in the DCT; `rgba` must hold
// ceil(width / scale_denom) * ceil(height / scale_denom) * 4 bytes, width and height as the
// header gives them.
int retouch_jpeg_decode_rgba(const uint8_t *data, size_t size, unsigned scale_denom, uint8_t *rgba, size_t rgba_size,
                             retouch_jpeg_info *info);

// Encodes RGBA (alpha ignored) at quality 1–100. On success *out is malloc'd: release it with
// retouch_jpeg_free.
int retouch_jpeg_encode_rgba(const uint8_t *rgba, uint32_t width, uint32_t height, int quality,
                             int progressive, uint8_t **out, size_t *out_size, char message[200]);

void retouch_jpeg_free(uint8_t *buffer);

#endif
