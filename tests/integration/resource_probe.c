/*
 * resource_probe.c - the library's protected-resource discovery
 * (lib/oauth/resource_metadata.c) run from the command line, for
 * t_mcp_server until `termauth login --resource` calls it itself:
 *
 *   resource_probe RESOURCE [PREFERRED_ISSUER]
 *
 * Prints "metadata URL", "resource R", "issuer I" and "scope S" (or
 * "scope -" for none), one a line, and exits 0; on failure prints
 * "error N: MESSAGE" (N the enum ta_result) on stderr and exits 1. Not a
 * tool: it reaches past termauth.h, into the static library.
 */
#include <stdio.h>
#include <stdlib.h>
#include "termauth.h"
#include "oauth/resource_metadata.h"

int main(int argc, char **argv)
{
	struct ta_resource_metadata md;
	struct ta_client *c = NULL;
	const char *issuer;
	char *scope = NULL;
	enum ta_result r;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: resource_probe RESOURCE [PREFERRED_ISSUER]\n");
		return 2;
	}
	if (ta_client_new(&c) != TA_OK)
		return 1;
	r = ta_resource_discover(c, argv[1], &md);
	if (r == TA_OK)
		r = ta_resource_pick_issuer(c, &md, argc == 3 ? argv[2] : NULL, &issuer);
	if (r == TA_OK)
		r = ta_resource_scope(&md, &scope);
	if (r == TA_OK)
		printf("metadata %s\nresource %s\nissuer %s\nscope %s\n", md.metadata_url,
		       md.resource, issuer, scope ? scope : "-");
	else
		fprintf(stderr, "error %d: %s\n", (int)r, ta_client_message(c));
	free(scope);
	ta_resource_metadata_clear(&md);
	ta_client_free(c);
	return r == TA_OK ? 0 : 1;
}
