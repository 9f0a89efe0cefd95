#ifndef RETOUCH_CWEBP_SHIM_H
#define RETOUCH_CWEBP_SHIM_H
#include <webp/decode.h>
#include <webp/encode.h>
#endif
