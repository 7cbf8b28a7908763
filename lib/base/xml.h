/*
 * xml.h - a small, strict XML reader for answers of the shape AWS's query
 * APIs give (STS): nested elements whose leaves hold text. It reads the
 * document into its leaves, each named by its path of element names
 * ("A/B/C"), and refuses what such answers never hold - a DOCTYPE,
 * comments, CDATA, processing instructions other than the XML
 * declaration, text beside child elements, an unknown entity, a control
 * character, a name or path seen twice - rather than guessing at it. Not a
 * general XML parser: no namespaces (a prefix is part of the name),
 * attributes are checked and dropped.
 */
#ifndef TA_BASE_XML_H
#define TA_BASE_XML_H

#include <stddef.h>
#include "base/handle.h"

#define TA_XML_MAX_LEN (64 * 1024) /* a document; STS's answers are < 4 KiB */
#define TA_XML_MAX_LEAVES 64
#define TA_XML_MAX_DEPTH 8

struct ta_xml {
	size_t n;
	char *paths[TA_XML_MAX_LEAVES]; /* every element's, in document order */
	char *texts[TA_XML_MAX_LEAVES]; /* a leaf's entity-decoded UTF-8 (may be
	                                 * a secret); NULL: it has children */
};

/* Reads buf[0..len) into x (which it clears first). TA_E_PROTOCOL for
 * anything this reader refuses (x then empty), TA_E_TOO_LARGE past
 * TA_XML_MAX_LEN, TA_E_NOMEM. No message: the caller knows what the
 * document was. */
TA_HIDDEN enum ta_result ta_xml_parse(const char *buf, size_t len, struct ta_xml *x);
/* The text of the leaf at path, or NULL (none, or not a leaf). */
TA_HIDDEN const char *ta_xml_get(const struct ta_xml *x, const char *path);
/* Wipes and frees. */
TA_HIDDEN void ta_xml_clear(struct ta_xml *x);

#endif
