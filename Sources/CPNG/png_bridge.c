#include "CPNG.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
    int truncated;
    char *message;
} memory_source;

static void read_from_memory(png_structp png, png_bytep out, size_t length) {
    memory_source *source = (memory_source *)png_get_io_ptr(png);
    if (length > source->size - source->offset) {
        source->truncated = 1;
        png_error(png, "the data ends before the image does");
    }
    memcpy(out, source->data + source->offset, length);
    source->offset += length;
}

static void on_error(png_structp png, png_const_charp text) {
    memory_source *source = (memory_source *)png_get_io_ptr(png);
    snprintf(source->message, 200, "%s", text);
    png_longjmp(png, 1);
}

// libpng prints warnings to stderr by default, which would garble a full-screen terminal UI.
static void on_warning(png_structp png, png_const_charp text) { (void)png; (void)text; }

static int begin(png_structp *png, png_infop *info_ptr, memory_source *source) {
    *png = png_create_read_struct(PNG_LIBPNG_VER_STRING, source, on_error, on_warning);
    if (!*png) return 0;
    *info_ptr = png_create_info_struct(*png);
    if (!*info_ptr) {
        png_destroy_read_struct(png, NULL, NULL);
        return 0;
    }
    png_set_read_fn(*png, source, read_from_memory);
    return 1;
}

static void fill_info(png_structp png, png_infop info_ptr, retouch_png_info *info) {
    info->width = png_get_image_width(png, info_ptr);
    info->height = png_get_image_height(png, info_ptr);
    info->bit_depth = png_get_bit_depth(png, info_ptr);
    info->color_type = png_get_color_type(png, info_ptr);
    info->interlaced = png_get_interlace_type(png, info_ptr) != PNG_INTERLACE_NONE;
    info->has_transparency_chunk = png_get_valid(png, info_ptr, PNG_INFO_tRNS) != 0;
}

int retouch_png_read_header(const uint8_t *data, size_t size, retouch_png_info *info) {
    if (!data || !info) return RETOUCH_PNG_BAD_ARGUMENT;
    info->message[0] = 0;
    memory_source source = {data, size, 0, 0, info->message};
    png_structp png;
    png_infop info_ptr;
    if (!begin(&png, &info_ptr, &source)) return RETOUCH_PNG_CORRUPT;
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info_ptr, NULL);
        return source.truncated ? RETOUCH_PNG_TRUNCATED : RETOUCH_PNG_CORRUPT;
    }
    png_read_info(png, info_ptr);
    fill_info(png, info_ptr, info);
    png_destroy_read_struct(&png, &info_ptr, NULL);
    return RETOUCH_PNG_OK;
}

int retouch_png_decode_rgba(const uint8_t *data, size_t size, uint8_t *rgba, size_t rgba_size,
                            retouch_png_info *info) {
    if (!data || !rgba || !info) return RETOUCH_PNG_BAD_ARGUMENT;
    info->message[0] = 0;
    memory_source source = {data, size, 0, 0, info->message};
    png_structp png;
    png_infop info_ptr;
    if (!begin(&png, &info_ptr, &source)) return RETOUCH_PNG_CORRUPT;
    // volatile: allocated after setjmp and freed after a longjmp.
    png_bytepp volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        png_free(png, rows);
        png_destroy_read_struct(&png, &info_ptr, NULL);
        return source.truncated ? RETOUCH_PNG_TRUNCATED : RETOUCH_PNG_CORRUPT;
    }
    png_read_info(png, info_ptr);
    fill_info(png, info_ptr, info);

    // Everything becomes 8-bit RGBA: palettes and low depths expanded, tRNS turned into alpha,
    // 16-bit samples scaled with rounding, grey copied to RGB, opaque images given alpha 255.
    png_set_expand(png);
    png_set_scale_16(png);
    int color = info->color_type;
    if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    if (!(color & PNG_COLOR_MASK_ALPHA) && !info->has_transparency_chunk) png_set_add_alpha(png, 0xFF, PNG_FILLER_AFTER);
    png_set_interlace_handling(png);
    png_read_update_info(png, info_ptr);

    size_t row_bytes = (size_t)info->width * 4;
    if (png_get_rowbytes(png, info_ptr) != row_bytes || row_bytes * info->height > rgba_size) {
        snprintf(info->message, 200, "unexpected row layout after conversion");
        png_destroy_read_struct(&png, &info_ptr, NULL);
        return RETOUCH_PNG_BAD_ARGUMENT;
    }
    rows = png_malloc(png, sizeof(png_bytep) * info->height);
    for (uint32_t y = 0; y < info->height; y++) rows[y] = rgba + y * row_bytes;
    png_read_image(png, rows);
    // Chunks after the pixels (text, IEND) are not read: a file whose image data is complete
    // decodes even when its tail is missing.
    png_free(png, rows);
    png_destroy_read_struct(&png, &info_ptr, NULL);
    return RETOUCH_PNG_OK;
}
