/* base64url.h - base64url without padding; see base64url.c. */
#ifndef TA_BASE64URL_H
#define TA_BASE64URL_H

#include <stddef.h>
#include "base/handle.h"

/* Characters needed for n bytes, without the NUL. */
TA_HIDDEN size_t ta_b64url_encoded_len(size_t n);
/* Writes ta_b64url_encoded_len(n) characters and a NUL to out. */
TA_HIDDEN void ta_b64url_encode(const unsigned char *in, size_t n, char *out);
/* The most bytes n characters decode to. */
TA_HIDDEN size_t ta_b64url_decoded_max(size_t n);
/* Decodes strictly into out, which must hold ta_b64url_decoded_max(n)
 * bytes; the length in *outlen. 0 or -1. */
TA_HIDDEN int ta_b64url_decode_into(const char *in, size_t n, unsigned char *out, size_t cap,
                                    size_t *outlen);
/* Decodes strictly into a malloc'd, NUL-terminated buffer. 0 or -1. */
TA_HIDDEN int ta_b64url_decode(const char *in, size_t n, unsigned char **out,
                               size_t *outlen);

#endif
