/*
 * qr.c - see qr.h. libqrencode makes the matrix; each character cell shows
 * two rows of modules: the upper and lower half blocks, the full block, or
 * a space. A glyph's ink is a dark module, so a scanner reading the shapes
 * (or a test turning them back into pixels) sees the code either way.
 */
#include <qrencode.h>
#include "qr.h"

#define QUIET 4 /* modules of margin, as the standard asks */

static int dark(const QRcode *q, int x, int y)
{
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->data[y * q->width + x] & 1;
}

static QRcode *encode(const char *text)
{
	return QRcode_encodeString(text, 0, QR_ECLEVEL_L, QR_MODE_8, 1);
}

int qr_size(const char *text)
{
	QRcode *q = encode(text);
	int n = q ? q->width + 2 * QUIET : -1;

	QRcode_free(q);
	return n;
}

int qr_print(FILE *to, const char *text, int indent, int colour)
{
	static const char *const cell[4] = { " ", "\u2584", "\u2580", "\u2588" };
	QRcode *q = encode(text);
	int x, y;

	if (!q)
		return -1;
	for (y = -QUIET; y < q->width + QUIET; y += 2) {
		fprintf(to, "%*s%s", indent, "", colour ? "\033[30;47m" : "");
		for (x = -QUIET; x < q->width + QUIET; x++)
			fputs(cell[dark(q, x, y) << 1 | dark(q, x, y + 1)], to);
		fputs(colour ? "\033[0m\n" : "\n", to);
	}
	QRcode_free(q);
	return 0;
}
