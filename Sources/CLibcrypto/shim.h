#ifndef RETOUCH_CLIBCRYPTO_SHIM_H
#define RETOUCH_CLIBCRYPTO_SHIM_H
#include <openssl/evp.h>
#endif
