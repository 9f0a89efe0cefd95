#include "CJPEG.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

// libjpeg calls error_exit on fatal errors and by default exits the process; we jump back to
// the entry point inside this file instead. Warnings are recorded so that a file which ends
// mid-scan (libjpeg pads it with grey and only warns) is reported as truncated.
typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf escape;
    int premature_end;
    int extraneous_data;
    char *message;
} bridge_error_mgr;

static void bridge_error_exit(j_common_ptr cinfo) {
    bridge_error_mgr *err = (bridge_error_mgr *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, err->message);
    longjmp(err->escape, 1);
}

static void bridge_emit_message(j_common_ptr cinfo, int level) {
    bridge_error_mgr *err = (bridge_error_mgr *)cinfo->err;
    if (level < 0) {
        cinfo->err->num_warnings++;
        if (cinfo->err->msg_code == JWRN_JPEG_EOF) err->premature_end = 1;
        // Garbage before the data ran out means a corrupt file; after it, it is libjpeg
        // tripping over the fake end marker it inserts.
        if (cinfo->err->msg_code == JWRN_EXTRANEOUS_DATA && !err->premature_end) err->extraneous_data = 1;
    }
}

static void bridge_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void bridge_init_errors(bridge_error_mgr *err, char *message) {
    jpeg_std_error(&err->base);
    err->base.error_exit = bridge_error_exit;
    err->base.emit_message = bridge_emit_message;
    err->base.output_message = bridge_output_message;
    err->premature_end = 0;
    err->extraneous_data = 0;
    err->message = message;
    message[0] = 0;
}

static int color_of(J_COLOR_SPACE space) {
    switch (space) {
    case JCS_GRAYSCALE: return RETOUCH_JPEG_COLOR_GRAY;
    case JCS_YCbCr: return RETOUCH_JPEG_COLOR_YCBCR;
    case JCS_RGB: return RETOUCH_JPEG_COLOR_RGB;
    case JCS_CMYK: return RETOUCH_JPEG_COLOR_CMYK;
    case JCS_YCCK: return RETOUCH_JPEG_COLOR_YCCK;
    default: return RETOUCH_JPEG_COLOR_OTHER;
    }
}

static void fill_info(struct jpeg_decompress_struct *cinfo, retouch_jpeg_info *info) {
    info->width = cinfo->image_width;
    info->height = cinfo->image_height;
    info->components = cinfo->num_components;
    info->color = color_of(cinfo->jpeg_color_space);
    info->progressive = cinfo->progressive_mode ? 1 : 0;
}

// A truncated header makes libjpeg report "Empty input file" or a premature end warning
// followed by an error; both mean the data stopped early, unless libjpeg had been skipping
// garbage between markers, which makes the file corrupt rather than short.
static int header_status(const bridge_error_mgr *err) {
    if (err->extraneous_data) return RETOUCH_JPEG_CORRUPT;
    if (err->premature_end || err->base.msg_code == JERR_INPUT_EMPTY || err->base.msg_code == JERR_INPUT_EOF)
        return RETOUCH_JPEG_TRUNCATED;
    return RETOUCH_JPEG_CORRUPT;
}

// Adobe writes CMYK inverted (as nearly every CMYK JPEG in the wild is), so each channel
// times K gives RGB directly.
static void cmyk_to_rgba(const JSAMPLE *cmyk, uint32_t width, uint8_t *out) {
    for (uint32_t x = 0; x < width; x++) {
        unsigned c = cmyk[x * 4], m = cmyk[x * 4 + 1], y = cmyk[x * 4 + 2], k = cmyk[x * 4 + 3];
        out[x * 4] = (uint8_t)((c * k + 127) / 255);
        out[x * 4 + 1] = (uint8_t)((m * k + 127) / 255);
        out[x * 4 + 2] = (uint8_t)((y * k + 127) / 255);
        out[x * 4 + 3] = 255;
    }
}

// After the header: the pixels, reduced by 1/scale_denom, as RGBA rows into `rgba`. Called
// inside decode's setjmp scope; `cmyk_row` is decode's, so that a longjmp frees it there.
static int read_pixels(struct jpeg_decompress_struct *cinfo, unsigned scale_denom, uint8_t *rgba, size_t rgba_size,
                       retouch_jpeg_info *info, JSAMPLE *volatile *cmyk_row) {
    int is_cmyk = cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK;
    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE: case JCS_YCbCr: case JCS_RGB:
        cinfo->out_color_space = JCS_EXT_RGBA;
        break;
    case JCS_CMYK: case JCS_YCCK:
        cinfo->out_color_space = JCS_CMYK;
        break;
    default:
        snprintf(info->message, sizeof info->message, "JPEG colour space %d is not supported",
                 (int)cinfo->jpeg_color_space);
        return RETOUCH_JPEG_UNSUPPORTED;
    }
    // libjpeg reduces in the DCT itself: a quarter of the work and memory per halving.
    cinfo->scale_num = 1;
    cinfo->scale_denom = scale_denom;
    jpeg_start_decompress(cinfo);
    size_t row_bytes = (size_t)cinfo->output_width * 4;
    if (row_bytes * cinfo->output_height > rgba_size) {
        strcpy(info->message, "output buffer too small");
        return RETOUCH_JPEG_BAD_ARGUMENT;
    }
    if (is_cmyk && !(*cmyk_row = malloc(row_bytes))) {
        strcpy(info->message, "out of memory");
        return RETOUCH_JPEG_CORRUPT;
    }
    while (cinfo->output_scanline < cinfo->output_height) {
        uint8_t *out = rgba + (size_t)cinfo->output_scanline * row_bytes;
        JSAMPROW row = is_cmyk ? *cmyk_row : out;
        jpeg_read_scanlines(cinfo, &row, 1);
        if (is_cmyk) cmyk_to_rgba(*cmyk_row, cinfo->output_width, out);
    }
    jpeg_finish_decompress(cinfo);
    return RETOUCH_JPEG_OK;
}

// The header, and the pixels too when `rgba` is given: one setjmp scope for every libjpeg call
// that may fail.
static int decode(const uint8_t *data, size_t size, unsigned scale_denom, uint8_t *rgba, size_t rgba_size,
                  retouch_jpeg_info *info) {
    struct jpeg_decompress_struct cinfo;
    bridge_error_mgr err;
    bridge_init_errors(&err, info->message);
    cinfo.err = &err.base;
    // volatile: assigned after setjmp and read again after a longjmp.
    JSAMPLE *volatile cmyk_row = NULL;
    if (setjmp(err.escape)) {
        int status = header_status(&err);
        free(cmyk_row);
        jpeg_destroy_decompress(&cinfo);
        return status;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    fill_info(&cinfo, info);
    int status = rgba ? read_pixels(&cinfo, scale_denom, rgba, rgba_size, info, &cmyk_row) : RETOUCH_JPEG_OK;
    free(cmyk_row);
    cmyk_row = NULL;
    if (status == RETOUCH_JPEG_OK && err.premature_end) {
        status = RETOUCH_JPEG_TRUNCATED;
        strcpy(info->message, "Premature end of JPEG file");
    }
    jpeg_destroy_decompress(&cinfo);
    return status;
}

int retouch_jpeg_read_header(const uint8_t *data, size_t size, retouch_jpeg_info *info) {
    if (!data || !info || size == 0) return RETOUCH_JPEG_BAD_ARGUMENT;
    return decode(data, size, 1, NULL, 0, info);
}

int retouch_jpeg_decode_rgba(const uint8_t *data, size_t size, unsigned scale_denom, uint8_t *rgba, size_t rgba_size,
                             retouch_jpeg_info *info) {
    if (!data || !rgba || !info || size == 0) return RETOUCH_JPEG_BAD_ARGUMENT;
    if (scale_denom != 1 && scale_denom != 2 && scale_denom != 4 && scale_denom != 8) return RETOUCH_JPEG_BAD_ARGUMENT;
    return decode(data, size, scale_denom, rgba, rgba_size, info);
}

int retouch_jpeg_encode_rgba(const uint8_t *rgba, uint32_t width, uint32_t height, int quality,
                             int progressive, uint8_t **out, size_t *out_size, char message[200]) {
    if (!rgba || !out || !out_size || width == 0 || height == 0) return RETOUCH_JPEG_BAD_ARGUMENT;
    struct jpeg_compress_struct cinfo;
    bridge_error_mgr err;
    bridge_init_errors(&err, message);
    cinfo.err = &err.base;
    unsigned char *buffer = NULL;
    unsigned long buffer_size = 0;
    if (setjmp(err.escape)) {
        // The memory destination owns its buffer until finish; destroying the compressor is
        // all that is safe here.
        jpeg_destroy_compress(&cinfo);
        return RETOUCH_JPEG_CORRUPT;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buffer, &buffer_size);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = 4;
    cinfo.in_color_space = JCS_EXT_RGBA;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality < 1 ? 1 : (quality > 100 ? 100 : quality), TRUE);
    if (progressive) jpeg_simple_progression(&cinfo);
    jpeg_start_compress(&cinfo, TRUE);
    size_t row_bytes = (size_t)width * 4;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(rgba + (size_t)cinfo.next_scanline * row_bytes);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *out_size = buffer_size;
    return RETOUCH_JPEG_OK;
}

void retouch_jpeg_free(uint8_t *buffer) { free(buffer); }
