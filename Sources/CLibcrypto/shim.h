#ifndef RETOUCH_CLIBCRYPTO_SHIM_H
#define RETOUCH_CLIBCRYPTO_SHIM_H
/* The plain SHA-256 functions, deprecated in OpenSSL 3 for its EVP interface but kept: linked from
   the static libcrypto.a they bring about 30 KB of code and no provider machinery, and retouch does
   not pay for loading the whole shared libcrypto at every start (about 1 ms). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#endif
