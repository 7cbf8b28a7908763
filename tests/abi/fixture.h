/*
 * fixture.h - shared by the ABI tests, which use libtermauth.so through
 * termauth.h alone: a private HOME and XDG directories, a stored file
 * session, an Ed25519 key set and tokens signed with it, and CHECK.
 */
#ifndef TA_TEST_FIXTURE_H
#define TA_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>
#include "termauth.h"

static int failures;

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			failures++;                                                  \
		}                                                                    \
	} while (0)
/* A call's result, and the handle's message with it. */
#define CHECK_R(c, call, want)                                                        \
	do {                                                                          \
		enum ta_result got_ = (call);                                         \
		if (got_ != (want)) {                                                 \
			fprintf(stderr, "FAIL %s:%d: %s gave %s, not %s (message: %s)\n", \
			        __FILE__, __LINE__, #call, ta_result_str(got_),       \
			        ta_result_str(want), ta_client_message(c));           \
			failures++;                                                   \
		}                                                                     \
	} while (0)

static char fixture_dir[256];

static void put_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(2);
	}
	chmod(path, mode);
}

/* A private HOME, XDG directories and configuration file; no keychain. */
static void fixture_env(void)
{
	static const char *const dirs[] = { "home", "state", "state/termauth", "run", "cache",
	                                    "config" };
	char path[512];
	size_t i;

	snprintf(fixture_dir, sizeof(fixture_dir), "%s/termauth-abi.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(fixture_dir)) {
		perror("mkdtemp");
		exit(2);
	}
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fixture_dir, dirs[i]);
		mkdir(path, 0700);
	}
#define SETDIR(var, sub)                                               \
	snprintf(path, sizeof(path), "%s/%s", fixture_dir, sub);       \
	setenv(var, path, 1)
	SETDIR("HOME", "home");
	SETDIR("XDG_STATE_HOME", "state");
	SETDIR("XDG_RUNTIME_DIR", "run");
	SETDIR("XDG_CACHE_HOME", "cache");
	SETDIR("XDG_CONFIG_HOME", "config");
	SETDIR("TERMAUTH_CONFIG", "config/config");
#undef SETDIR
	unsetenv("DBUS_SESSION_BUS_ADDRESS");
	unsetenv("TERMAUTH_STORE");
	unsetenv("TERMAUTH_PROFILE");
}

static void fixture_cleanup(void)
{
	char cmd[600];

	/* The kernel keyring outlives the test: its keys of this store go
	 * (keyctl is a test tool, scripts/bootstrap installs it). */
	if (fixture_dir[0]) {
		snprintf(cmd, sizeof(cmd),
		         "keyctl session - sh -c 'for k in $(keyctl rlist $(keyctl get_persistent @s)); do "
		         "case $(keyctl rdescribe $k) in *\";termauth:session:\"*\":%s/state/termauth\") "
		         "keyctl invalidate $k;; esac; done' >/dev/null 2>&1",
		         fixture_dir);
		if (system(cmd))
			fprintf(stderr, "note: could not look for kernel keys of %s\n", fixture_dir);
	}
	if (fixture_dir[0] && !failures) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fixture_dir);
		if (system(cmd))
			fprintf(stderr, "note: could not remove %s\n", fixture_dir);
	}
}

/* The profile's session, stored as a file: an access token valid for an
 * hour, no refresh token (so nothing needs the network). */
static void fixture_session(const char *profile)
{
	char path[512], text[1024];

	snprintf(path, sizeof(path), "%s/state/termauth/%s.json", fixture_dir, profile);
	snprintf(text, sizeof(text),
	         "{\"format\":1,\"expires_at\":%lld,\"access_token\":\"at-%s\","
	         "\"token_type\":\"Bearer\",\"issuer\":\"https://idp.example.com\","
	         "\"client_id\":\"cid\",\"token_endpoint\":\"http://127.0.0.1:9/token\"}\n",
	         (long long)time(NULL) + 3600, profile);
	put_file(path, text, 0600);
}

static void b64url(const unsigned char *in, size_t n, char *out)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = abc[v >> 6 & 63];
		out[o++] = abc[v & 63];
	}
	if (n - i == 1) {
		out[o++] = abc[in[i] >> 2];
		out[o++] = abc[(in[i] & 3) << 4];
	} else if (n - i == 2) {
		unsigned v = (unsigned)in[i] << 8 | in[i + 1];
		out[o++] = abc[v >> 10];
		out[o++] = abc[v >> 4 & 63];
		out[o++] = abc[(v & 15) << 2];
	}
	out[o] = '\0';
}

/* An Ed25519 key: its JWKS text, and tokens it signs. */
struct fixture_key {
	EVP_PKEY *pkey;
	char jwks[256];
};

static void fixture_key(struct fixture_key *k)
{
	unsigned char pub[32];
	size_t n = sizeof(pub);
	char x[64];

	if (!(k->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) ||
	    EVP_PKEY_get_raw_public_key(k->pkey, pub, &n) != 1) {
		fprintf(stderr, "cannot make an Ed25519 key\n");
		exit(2);
	}
	b64url(pub, n, x);
	snprintf(k->jwks, sizeof(k->jwks),
	         "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"k1\",\"x\":\"%s\"}]}", x);
}

/* A compact JWS of claims (JSON text), alg EdDSA, kid k1: into out. */
static void fixture_sign(const struct fixture_key *k, const char *claims, char *out, size_t cap)
{
	static const char header[] = "{\"alg\":\"EdDSA\",\"kid\":\"k1\"}";
	unsigned char sig[64];
	size_t siglen = sizeof(sig), n;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	char part[1024];

	if (strlen(claims) > 600 || cap < 2048) {
		fprintf(stderr, "fixture_sign: too large\n");
		exit(2);
	}
	b64url((const unsigned char *)header, strlen(header), out);
	strcat(out, ".");
	b64url((const unsigned char *)claims, strlen(claims), part);
	strcat(out, part);
	n = strlen(out);
	if (!ctx || EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pkey) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, (const unsigned char *)out, n) != 1) {
		fprintf(stderr, "cannot sign\n");
		exit(2);
	}
	EVP_MD_CTX_free(ctx);
	strcat(out, ".");
	b64url(sig, siglen, part);
	strcat(out, part);
}

#endif
