/*
 * result.c - the names of result codes, and the per-handle message that
 * carries the detail of a failure (curl's CURLcode plus error buffer).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "base/result.h"

static const char *const result_names[] = {
	[TA_OK] = "TA_OK: success",
	[TA_E_NOMEM] = "TA_E_NOMEM: out of memory",
	[TA_E_ARG] = "TA_E_ARG: bad argument",
	[TA_E_CONFIG] = "TA_E_CONFIG: the configuration cannot be used",
	[TA_E_INSECURE] = "TA_E_INSECURE: not https and not loopback",
	[TA_E_UNREACHABLE] = "TA_E_UNREACHABLE: the IdP cannot be reached",
	[TA_E_HTTP] = "TA_E_HTTP: unexpected HTTP status",
	[TA_E_PROTOCOL] = "TA_E_PROTOCOL: malformed answer from the IdP",
	[TA_E_IDP] = "TA_E_IDP: the IdP answered an error",
	[TA_E_DENIED] = "TA_E_DENIED: access was denied",
	[TA_E_CALLBACK] = "TA_E_CALLBACK: malformed redirect",
	[TA_E_ISSUER] = "TA_E_ISSUER: the redirect names another issuer",
	[TA_E_TIMEOUT] = "TA_E_TIMEOUT: the sign-in deadline passed",
	[TA_E_PORT_IN_USE] = "TA_E_PORT_IN_USE: the loopback port is taken",
	[TA_E_LISTEN] = "TA_E_LISTEN: the loopback listener could not start",
	[TA_E_ID_TOKEN] = "TA_E_ID_TOKEN: the ID token failed its checks",
	[TA_E_STORE] = "TA_E_STORE: the session store cannot be used",
	[TA_E_NO_SESSION] = "TA_E_NO_SESSION: not signed in",
	[TA_E_EXPIRED] = "TA_E_EXPIRED: the access token has expired",
	[TA_E_CANCELLED] = "TA_E_CANCELLED: cancelled",
	[TA_E_TOO_LARGE] = "TA_E_TOO_LARGE: too large",
	[TA_E_INTERNAL] = "TA_E_INTERNAL: internal failure",
	[TA_E_CODE_EXPIRED] = "TA_E_CODE_EXPIRED: the device code expired",
	[TA_E_NO_DEVICE_FLOW] = "TA_E_NO_DEVICE_FLOW: the IdP offers no device flow",
	[TA_E_VERIFY] = "TA_E_VERIFY: a token failed verification",
	[TA_E_AGENT_GONE] = "TA_E_AGENT_GONE: the forwarded sign-in's broker cannot be reached",
	[TA_E_NOT_FORWARDED] = "TA_E_NOT_FORWARDED: the broker does not forward this profile",
};

const char *ta_result_str(enum ta_result r)
{
	if ((unsigned)r < sizeof(result_names) / sizeof(result_names[0]) &&
	    result_names[r])
		return result_names[r];
	return "TA_E_UNKNOWN: unknown result code";
}

const char *ta_version(void)
{
	return TA_VERSION;
}

enum ta_result ta_fail(struct ta_client *c, enum ta_result r,
                       const char *fmt, ...)
{
	va_list ap;

	if (!c)
		return r;
	va_start(ap, fmt);
	vsnprintf(c->message, sizeof(c->message), fmt, ap);
	va_end(ap);
	return r;
}

void ta_call_begin(struct ta_client *c)
{
	if (c)
		c->message[0] = '\0';
}

void ta_fail_undo(struct ta_client *c)
{
	if (c)
		c->message[0] = '\0';
}

enum ta_result ta_fail_wrap(struct ta_client *c, enum ta_result r, const char *fmt, ...)
{
	char context[TA_MESSAGE_MAX];
	size_t n, had;
	va_list ap;

	if (!c)
		return r;
	va_start(ap, fmt);
	vsnprintf(context, sizeof(context), fmt, ap);
	va_end(ap);
	n = strlen(context);
	had = strlen(c->message);
	if (!had) {
		memcpy(c->message, context, n + 1);
		return r;
	}
	/* "CONTEXT: " in front of what is there, cut at the buffer's end. */
	if (n + 2 >= sizeof(c->message))
		n = sizeof(c->message) - 3;
	if (had > sizeof(c->message) - 1 - (n + 2))
		had = sizeof(c->message) - 1 - (n + 2);
	memmove(c->message + n + 2, c->message, had);
	c->message[n + 2 + had] = '\0';
	memcpy(c->message, context, n);
	c->message[n] = ':';
	c->message[n + 1] = ' ';
	return r;
}

/* How much larger than ours a newer header's struct may be: 32 more
 * pointer-sized members. */
#define TA_SIZED_GROWTH_MAX 256

enum ta_result ta_sized_read(struct ta_client *c, const char *what, void *dst, size_t dst_size,
                             const void *src)
{
	const unsigned char *extra = (const unsigned char *)src + dst_size;
	size_t size, i;

	memcpy(&size, src, sizeof(size));
	if (size < sizeof(size))
		return ta_fail(c, TA_E_ARG,
		               "%s has size %zu: set it up with its _INIT macro, which sets size to its sizeof",
		               what, size);
	/* Each of these structs holds a pointer, so every header's sizeof is a
	 * multiple of a pointer's size, and one cannot end inside a member; and
	 * a newer header adds a few members, not kilobytes. Anything else is
	 * not a size (a program built before there was one passes a pointer
	 * here), and is refused before the struct is read past its end. */
	if (size % sizeof(void *) || size > dst_size + TA_SIZED_GROWTH_MAX)
		return ta_fail(c, TA_E_ARG,
		               "%s has size %zu, which no termauth.h gives it: set it up with its _INIT macro",
		               what, size);
	for (i = 0; size > dst_size && i < size - dst_size; i++)
		if (extra[i])
			return ta_fail(c, TA_E_ARG,
			               "%s has members this libtermauth (%s) does not know (size %zu, not %zu): they must be zero",
			               what, TA_VERSION, size, dst_size);
	memset(dst, 0, dst_size);
	memcpy(dst, src, size < dst_size ? size : dst_size);
	memcpy(dst, &dst_size, sizeof(dst_size));
	return TA_OK;
}

const char *ta_client_message(const struct ta_client *c)
{
	return c ? c->message : "";
}

TA_PRINTF(3, 0) static void deliver(const struct ta_client *c, int level,
                                    const char *fmt, va_list ap)
{
	char buf[TA_MESSAGE_MAX];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (level == 0)
		c->cb.notice(c->cb.data, buf);
	else
		c->cb.debug(c->cb.data, level, buf);
}

void ta_debug(const struct ta_client *c, int level, const char *fmt, ...)
{
	va_list ap;

	if (!c || !c->cb.debug)
		return;
	va_start(ap, fmt);
	deliver(c, level, fmt, ap);
	va_end(ap);
}

void ta_notice(const struct ta_client *c, const char *fmt, ...)
{
	va_list ap;

	if (!c || !c->cb.notice)
		return;
	va_start(ap, fmt);
	deliver(c, 0, fmt, ap);
	va_end(ap);
}

void ta_printable(char *dst, size_t cap, const char *src)
{
	size_t o = 0;

	for (; src && *src && o + 1 < cap; src++)
		dst[o++] = (*src >= 0x20 && *src < 0x7f) ? *src : '?';
	dst[o] = '\0';
}

int ta_cancel_asked(const struct ta_client *c)
{
	return c->cb.cancelled && c->cb.cancelled(c->cb.data);
}

enum ta_result ta_check_cancelled(struct ta_client *c)
{
	if (ta_cancel_asked(c))
		return ta_fail(c, TA_E_CANCELLED, "the sign-in was cancelled");
	return TA_OK;
}
