/*
 * json_scan.c - the JSON reader of the JWT checks (json_scan.h): one pass
 * over a payload or a header that says whether it is a JSON object and
 * where the values of the root members asked for are. Not here: what the
 * values mean (claims.c), writing JSON, or JSON other than a JWT's (that
 * is jansson's).
 *
 * Not jansson: jansson builds a tree - a dozen allocations for a typical
 * payload, 8 us here, a quarter of an RSA-2048 verification - where the
 * claims need a scan. It accepts exactly what
 * json_loadb(JSON_REJECT_DUPLICATES) accepts as an object, less the inputs
 * with a NUL byte, which RFC 8259 allows nowhere and json_loadb lets
 * through after a number or a literal (tests/fuzz/fuzz_jwt.c checks the
 * two against each other): RFC 8259 syntax; strict UTF-8 (no overlong
 * forms, no surrogates, nothing past U+10FFFF); escapes with paired
 * surrogates and no \u0000; integers within 64 bits and numbers that do
 * not overflow a double; at most 2048 levels; no member name twice in any
 * object (compared after unescaping). What the caller gets back is the
 * text itself, so any JSON parser reads it as this one did.
 */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/result.h"
#include "jose/json_scan.h"

#define DEPTH_MAX 2048 /* jansson's JSON_PARSER_MAX_DEPTH */

/* A member name, unescaped when it had escapes (then p points into the
 * parser's arena). */
struct name {
	const unsigned char *p;
	size_t n;
};

struct frame {
	char type;   /* '{' or '[' */
	size_t base; /* the object's first name in names[] */
};

struct parser {
	const unsigned char *s, *p, *end;
	const char *why; /* the first error */
	size_t at;       /* its offset */
	struct name *names, names_local[32];
	size_t nnames, capnames;
	struct frame *stack, stack_local[16];
	size_t depth, capstack;
	unsigned char *arena; /* unescaped names: at most as long as the payload */
	size_t arena_used;
	const char *const *want;     /* the root members asked for */
	struct ta_json_value *found; /* their values */
	size_t nwant;
	size_t member; /* the root member whose value is being read: nwant for none */
	char dup[64];  /* a member name found twice, printable */
	int twice;     /* dup is set */
};

static int fail(struct parser *ps, const char *why)
{
	if (!ps->why) {
		ps->why = why;
		ps->at = (size_t)(ps->p - ps->s);
	}
	return -1;
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int hex4(const unsigned char *p, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v |= (unsigned)((c | 0x20) - 'a' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* One UTF-8 sequence starting at p (its first byte >= 0x80), as jansson
 * checks it; its length, or 0. */
static size_t utf8_sequence(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0];
	size_t n, i;
	unsigned u;

	if (c >= 0xC2 && c <= 0xDF)
		n = 2, u = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, u = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, u = c & 0x07;
	else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
		u = u << 6 | (p[i] & 0x3F);
	}
	if (u > 0x10FFFF || (u >= 0xD800 && u <= 0xDFFF) || (n == 3 && u < 0x800) ||
	    (n == 4 && u < 0x10000))
		return 0;
	return n;
}

/* A string, the cursor on its opening quote: checked, then v holds its
 * content (between the quotes) and the cursor is past it. */
static int string(struct parser *ps, struct ta_json_value *v)
{
	const unsigned char *p = ps->p + 1, *end = ps->end;
	int escaped = 0;
	unsigned u, lo;
	size_t k;

	for (;;) {
		while (p < end && *p >= 0x20 && *p != '"' && *p != '\\' && *p < 0x80)
			p++;
		if (p == end)
			return ps->p = p, fail(ps, "an unterminated string");
		if (*p == '"')
			break;
		if (*p < 0x20)
			return ps->p = p, fail(ps, "a control character in a string");
		if (*p >= 0x80) {
			if (!(k = utf8_sequence(p, end)))
				return ps->p = p, fail(ps, "invalid UTF-8");
			p += k;
			continue;
		}
		/* A backslash. */
		escaped = 1;
		if (end - p < 2)
			return ps->p = p, fail(ps, "an unterminated string");
		if (p[1] && strchr("\"\\/bfnrt", p[1])) {
			p += 2;
			continue;
		}
		if (p[1] != 'u' || end - p < 6 || hex4(p + 2, &u))
			return ps->p = p, fail(ps, "a bad escape");
		if (u == 0)
			return ps->p = p, fail(ps, "\\u0000");
		if (u >= 0xDC00 && u <= 0xDFFF)
			return ps->p = p, fail(ps, "a lone surrogate");
		if (u >= 0xD800 && u <= 0xDBFF) {
			if (end - p < 12 || p[6] != '\\' || p[7] != 'u' || hex4(p + 8, &lo) ||
			    lo < 0xDC00 || lo > 0xDFFF)
				return ps->p = p, fail(ps, "a lone surrogate");
			p += 6;
		}
		p += 6;
	}
	v->p = ps->p + 1;
	v->n = (size_t)(p - v->p);
	v->type = 's';
	v->escaped = escaped;
	ps->p = p + 1;
	return 0;
}

/* The content of a checked string with its escapes resolved, into out
 * (room for s->n bytes: unescaping never lengthens). Its length. */
static size_t unescape(const struct ta_json_value *s, unsigned char *out)
{
	const unsigned char *p = s->p, *end = s->p + s->n;
	size_t o = 0;
	unsigned u, lo;

	while (p < end) {
		if (*p != '\\') {
			out[o++] = *p++;
			continue;
		}
		switch (p[1]) {
		case 'b':
			out[o++] = '\b';
			p += 2;
			continue;
		case 'f':
			out[o++] = '\f';
			p += 2;
			continue;
		case 'n':
			out[o++] = '\n';
			p += 2;
			continue;
		case 'r':
			out[o++] = '\r';
			p += 2;
			continue;
		case 't':
			out[o++] = '\t';
			p += 2;
			continue;
		case 'u':
			break;
		default:
			out[o++] = p[1];
			p += 2;
			continue;
		}
		hex4(p + 2, &u);
		p += 6;
		if (u >= 0xD800 && u <= 0xDBFF) {
			hex4(p + 2, &lo);
			u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
			p += 6;
		}
		if (u < 0x80) {
			out[o++] = (unsigned char)u;
		} else if (u < 0x800) {
			out[o++] = (unsigned char)(0xC0 | u >> 6);
			out[o++] = (unsigned char)(0x80 | (u & 0x3F));
		} else if (u < 0x10000) {
			out[o++] = (unsigned char)(0xE0 | u >> 12);
			out[o++] = (unsigned char)(0x80 | (u >> 6 & 0x3F));
			out[o++] = (unsigned char)(0x80 | (u & 0x3F));
		} else {
			out[o++] = (unsigned char)(0xF0 | u >> 18);
			out[o++] = (unsigned char)(0x80 | (u >> 12 & 0x3F));
			out[o++] = (unsigned char)(0x80 | (u >> 6 & 0x3F));
			out[o++] = (unsigned char)(0x80 | (u & 0x3F));
		}
	}
	return o;
}

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* The value of a checked real number: strtod in the C locale, whatever
 * the program's. */
static double real_value(const unsigned char *p, size_t n, int *overflow)
{
	char buf[64], *copy = n < sizeof(buf) ? buf : malloc(n + 1);
	double d;

	*overflow = 0;
	if (!copy) {
		*overflow = -1;
		return 0;
	}
	memcpy(copy, p, n);
	copy[n] = '\0';
	pthread_once(&c_locale_once, c_locale_init);
	errno = 0;
	d = c_locale ? strtod_l(copy, NULL, c_locale) : strtod(copy, NULL);
	if ((d == HUGE_VAL || d == -HUGE_VAL) && errno == ERANGE)
		*overflow = 1;
	if (copy != buf)
		free(copy);
	return d;
}

/* A number (RFC 8259 section 6), the cursor on its first character. */
static int number(struct parser *ps, struct ta_json_value *v)
{
	const unsigned char *p = ps->p, *end = ps->end;
	unsigned long long mag = 0;
	int neg = 0, real = 0, overflow = 0;

	if (p < end && *p == '-')
		neg = 1, p++;
	if (p < end && *p == '0') { /* "01": the 1 is refused after the number */
		p++;
	} else if (p < end && *p >= '1' && *p <= '9') {
		while (p < end && *p >= '0' && *p <= '9') {
			unsigned d = (unsigned)(*p++ - '0');
			if (mag > (9223372036854775808ULL - d) / 10)
				overflow = 1;
			else
				mag = mag * 10 + d;
		}
	} else {
		return fail(ps, "a bad number");
	}
	if (p < end && *p == '.') {
		real = 1;
		if (++p == end || *p < '0' || *p > '9')
			return fail(ps, "a bad number");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		real = 1;
		if (++p < end && (*p == '+' || *p == '-'))
			p++;
		if (p == end || *p < '0' || *p > '9')
			return fail(ps, "a bad number");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	v->p = ps->p;
	v->n = (size_t)(p - ps->p);
	v->type = real ? 'r' : 'i';
	if (!real && (overflow || (!neg && mag > 9223372036854775807ULL)))
		return fail(ps, "an integer out of range");
	if (real) {
		real_value(v->p, v->n, &overflow);
		if (overflow < 0)
			return fail(ps, "out of memory");
		if (overflow)
			return fail(ps, "a number out of range");
	}
	ps->p = p;
	return 0;
}

static int literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n))
		return fail(ps, "bad syntax");
	ps->p += n;
	return 0;
}

/* Grows an array of n items of size to hold one more, moving it off the
 * C stack (local) on the first growth. */
static int grow(void **items, size_t *cap, size_t n, size_t size, void *local)
{
	size_t want = *cap * 2;
	void *p;

	if (n < *cap)
		return 0;
	if (*items == local) {
		if (!(p = malloc(want * size)))
			return -1;
		memcpy(p, local, n * size);
	} else if (!(p = realloc(*items, want * size))) {
		return -1;
	}
	*items = p;
	*cap = want;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	const struct name *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	return memcmp(x->p, y->p, x->n);
}

/* No name twice among the names of the object that ends here. */
static int duplicates(struct parser *ps, size_t base)
{
	struct name *names = ps->names + base;
	size_t n = ps->nnames - base, i, j;
	char text[sizeof(ps->dup)];

	if (n <= 16) {
		for (i = 1; i < n; i++)
			for (j = 0; j < i; j++)
				if (names[i].n == names[j].n &&
				    !memcmp(names[i].p, names[j].p, names[i].n))
					goto twice;
		return 0;
	}
	qsort(names, n, sizeof(*names), name_cmp); /* popped next: the order is free */
	for (i = 1; i < n; i++)
		if (!name_cmp(&names[i - 1], &names[i]))
			goto twice;
	return 0;
twice:
	j = names[i].n < sizeof(text) - 1 ? names[i].n : sizeof(text) - 1;
	memcpy(text, names[i].p, j);
	text[j] = '\0';
	ta_printable(ps->dup, sizeof(ps->dup), text); /* stops at a NUL: there is none */
	ps->twice = 1;
	return fail(ps, "a member name twice");
}

/* A member name: remembered for the duplicates check and, at the root,
 * matched against the names asked for. */
static int member_name(struct parser *ps)
{
	struct ta_json_value v;
	struct name nm;
	size_t i;

	if (ps->p == ps->end || *ps->p != '"')
		return fail(ps, "bad syntax");
	if (string(ps, &v))
		return -1;
	nm.p = v.p;
	nm.n = v.n;
	if (v.escaped) {
		if (!ps->arena && !(ps->arena = malloc((size_t)(ps->end - ps->s) + 1)))
			return fail(ps, "out of memory");
		nm.p = ps->arena + ps->arena_used;
		nm.n = unescape(&v, ps->arena + ps->arena_used);
		ps->arena_used += nm.n;
	}
	if (grow((void **)&ps->names, &ps->capnames, ps->nnames, sizeof(*ps->names),
	         ps->names_local))
		return fail(ps, "out of memory");
	ps->names[ps->nnames++] = nm;
	ps->member = ps->nwant;
	if (ps->depth == 1)
		for (i = 0; i < ps->nwant; i++)
			if (nm.n == strlen(ps->want[i]) && !memcmp(nm.p, ps->want[i], nm.n))
				ps->member = i;
	skip_ws(ps);
	if (ps->p == ps->end || *ps->p != ':')
		return fail(ps, "bad syntax");
	ps->p++;
	return 0;
}

/* The whole payload, without recursion: a stack of open containers. */
static int parse(struct parser *ps)
{
	struct ta_json_value v;
	size_t member;
	const unsigned char *start;

value:
	skip_ws(ps);
	if (ps->depth + 1 > DEPTH_MAX)
		return fail(ps, "nesting deeper than 2048");
	member = ps->depth == 1 ? ps->member : ps->nwant;
	start = ps->p;
	v.type = 'o';
	v.escaped = 0;
	if (ps->p == ps->end)
		return fail(ps, "bad syntax");
	switch (*ps->p) {
	case '{':
	case '[':
		if (grow((void **)&ps->stack, &ps->capstack, ps->depth, sizeof(*ps->stack),
		         ps->stack_local))
			return fail(ps, "out of memory");
		ps->stack[ps->depth].type = (char)*ps->p;
		ps->stack[ps->depth].base = ps->nnames;
		ps->depth++;
		ps->p++;
		if (member != ps->nwant) { /* its end is found below */
			ps->found[member].type = start[0] == '[' ? 'a' : 'o';
			ps->found[member].p = start;
		}
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == (start[0] == '{' ? '}' : ']'))
			goto close;
		if (start[0] == '{') {
			if (member_name(ps))
				return -1;
		}
		goto value;
	case '"':
		if (string(ps, &v))
			return -1;
		break;
	case 't':
		if (literal(ps, "true"))
			return -1;
		break;
	case 'f':
		if (literal(ps, "false"))
			return -1;
		break;
	case 'n':
		if (literal(ps, "null"))
			return -1;
		break;
	default:
		if (*ps->p != '-' && (*ps->p < '0' || *ps->p > '9'))
			return fail(ps, "bad syntax");
		if (number(ps, &v))
			return -1;
		break;
	}
	if (member != ps->nwant) {
		if (v.type == 'o') {
			v.p = start;
			v.n = (size_t)(ps->p - start);
		}
		ps->found[member] = v;
	}
next: /* after a value */
	if (ps->depth == 0)
		return 0;
	skip_ws(ps);
	if (ps->p == ps->end)
		return fail(ps, "bad syntax");
	if (*ps->p == ',') {
		ps->p++;
		if (ps->stack[ps->depth - 1].type == '{') {
			skip_ws(ps);
			if (member_name(ps))
				return -1;
		}
		goto value;
	}
	if (*ps->p != (ps->stack[ps->depth - 1].type == '{' ? '}' : ']'))
		return fail(ps, "bad syntax");
close: /* the cursor on the closing '}' or ']' */
	if (ps->stack[ps->depth - 1].type == '{' && duplicates(ps, ps->stack[ps->depth - 1].base))
		return -1;
	ps->nnames = ps->stack[ps->depth - 1].base;
	ps->depth--;
	ps->p++;
	/* A container that is a wanted member's value: its text ends here. */
	if (ps->depth == 1) {
		size_t i;
		for (i = 0; i < ps->nwant; i++)
			if ((ps->found[i].type == 'a' || ps->found[i].type == 'o') &&
			    !ps->found[i].n)
				ps->found[i].n = (size_t)(ps->p - ps->found[i].p);
	}
	goto next;
}

/* Reads text; 0 when it is a JSON value, else -1 with ps->why. */
static int parse_text(struct parser *ps, const unsigned char *text, size_t n,
                      const char *const *want, struct ta_json_value *found, size_t nwant)
{
	int r;

	memset(ps, 0, sizeof(*ps));
	if (nwant) /* found may be NULL then */
		memset(found, 0, nwant * sizeof(*found));
	ps->s = ps->p = text;
	ps->end = text + n;
	ps->names = ps->names_local;
	ps->capnames = sizeof(ps->names_local) / sizeof(ps->names_local[0]);
	ps->stack = ps->stack_local;
	ps->capstack = sizeof(ps->stack_local) / sizeof(ps->stack_local[0]);
	ps->want = want;
	ps->found = found;
	ps->nwant = nwant;
	ps->member = nwant;
	r = parse(ps);
	if (!r) {
		skip_ws(ps);
		if (ps->p != ps->end)
			r = fail(ps, "text after the end");
	}
	if (ps->names != ps->names_local)
		free(ps->names);
	if (ps->stack != ps->stack_local)
		free(ps->stack);
	free(ps->arena);
	return r;
}

int ta_json_scan_object(const unsigned char *text, size_t n, const char *const *names,
                        struct ta_json_value *values, size_t count, char *why, size_t cap)
{
	struct parser ps;
	const unsigned char *root = text;

	if (parse_text(&ps, text, n, names, values, count)) {
		if (ps.twice)
			snprintf(why, cap, "the payload is not JSON: member '%s' twice", ps.dup);
		else
			snprintf(why, cap, "the payload is not JSON: %s at byte %zu", ps.why,
			         ps.at);
		return strcmp(ps.why, "out of memory") ? -1 : -2;
	}
	/* It parsed, so there is a value: the first byte not white space. */
	while (*root == ' ' || *root == '\t' || *root == '\n' || *root == '\r')
		root++;
	if (*root != '{') {
		snprintf(why, cap, "the payload is not a JSON object");
		return -1;
	}
	return 0;
}

int ta_json_object_check(const unsigned char *payload, size_t n, char *why, size_t cap)
{
	return ta_json_scan_object(payload, n, NULL, NULL, 0, why, cap) ? -1 : 0;
}

/* ---------------------------------------------------------------------- */
/* The values of a scanned object */

size_t ta_json_unescape(const struct ta_json_value *s, unsigned char *out)
{
	return unescape(s, out);
}

int ta_json_string_is(const struct ta_json_value *s, const char *want)
{
	size_t n = strlen(want);
	unsigned char buf[256], *tmp;
	int same;

	if (!s->escaped)
		return s->n == n && !memcmp(s->p, want, n);
	if (n > s->n) /* unescaping only shortens */
		return 0;
	tmp = s->n <= sizeof(buf) ? buf : malloc(s->n);
	if (!tmp)
		return 0;
	same = unescape(s, tmp) == n && !memcmp(tmp, want, n);
	if (tmp != buf)
		free(tmp);
	return same;
}

long long ta_json_integer(const struct ta_json_value *v)
{
	int neg = v->p[0] == '-';
	unsigned long long mag = 0;
	size_t i;

	for (i = (size_t)neg; i < v->n; i++)
		mag = mag * 10 + (unsigned)(v->p[i] - '0');
	/* checked to fit: -(2^63) needs care */
	return neg ? (mag == 9223372036854775808ULL ? -9223372036854775807LL - 1 : -(long long)mag)
	           : (long long)mag;
}

double ta_json_real(const struct ta_json_value *v, int *overflow)
{
	return real_value(v->p, v->n, overflow);
}

int ta_json_each_string(const struct ta_json_value *array,
                        void (*each)(const struct ta_json_value *s, void *arg), void *arg,
                        size_t *count)
{
	struct parser ps = {0};
	struct ta_json_value v;

	*count = 0;
	ps.s = array->p;
	ps.p = array->p + 1;
	ps.end = array->p + array->n;
	for (;;) {
		skip_ws(&ps);
		if (*ps.p == ']')
			return 0;
		if (*ps.p != '"' || string(&ps, &v))
			return -1;
		each(&v, arg);
		++*count;
		skip_ws(&ps);
		if (*ps.p == ',')
			ps.p++;
	}
}
