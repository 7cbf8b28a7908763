/*
 * qr.h - a QR code on the terminal, for the device flow's
 * verification_uri_complete: scanned with a phone, it saves typing.
 */
#ifndef TA_QR_H
#define TA_QR_H

#include <stdio.h>

/* Draws text as a QR code with half-block characters, two modules a
 * character cell high, with the quiet zone the standard asks for. With
 * colour, dark modules are black on white whatever the terminal's theme;
 * without (NO_COLOR), the glyphs alone carry it. Returns 0, or -1 when the
 * text cannot be encoded. */
int qr_print(FILE *to, const char *text, int colour);

#endif
