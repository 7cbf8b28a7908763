/*
 * qr.h - a QR code on the terminal, for the device flow's
 * verification_uri_complete: scanned with a phone, it saves typing.
 */
#ifndef TA_QR_H
#define TA_QR_H

#include <stdio.h>

/* The width in character cells of text's QR code, quiet zone included
 * (its height in lines is half that, rounded up), or -1 when the text
 * cannot be encoded. */
int qr_size(const char *text);
/* Draws text as a QR code with half-block characters, two modules a
 * character cell high, with the quiet zone the standard asks for, each
 * line after indent spaces. With colour, dark modules are black on white
 * whatever the terminal's theme; without (NO_COLOR, TERM=dumb), the glyphs
 * alone carry it, and no escape sequence is written. Returns 0, or -1 when
 * the text cannot be encoded. */
int qr_print(FILE *to, const char *text, int indent, int colour);

#endif
