/*
 * store_secret.c - the keychain: the Secret Service (gnome-keyring,
 * KeePassXC, KWallet) through libsecret. One item per profile in the
 * default collection; its only attribute is the profile's name, because
 * attributes are not confidential - the whole session is the secret.
 *
 * libsecret answers a lookup in a locked collection exactly as one that
 * finds nothing, so ta_keychain_probe asks first whether the default
 * collection exists and is locked, and store.c tells the person which.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libsecret/secret.h>
#include "base/fileio.h"
#include "base/result.h"
#include "base/secret.h"
#include "profile/record.h"
#include "store/store.h"

static const SecretSchema session_schema = {
	.name = "org.termauth.Session",
	.flags = SECRET_SCHEMA_NONE,
	.attributes = { { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
};

/* 1 when a session bus can be found the way GLib finds it. Without one,
 * GLib would try to start a bus with dbus-launch: a keychain probe must
 * never start daemons. */
static int session_bus_known(void)
{
	const char *address = getenv("DBUS_SESSION_BUS_ADDRESS"), *run;
	char path[4096];
	int n;

	if (address && *address)
		return 1;
	run = getenv("XDG_RUNTIME_DIR");
	if (!run || run[0] != '/')
		return 0;
	n = snprintf(path, sizeof(path), "%s/bus", run);
	return n > 0 && (size_t)n < sizeof(path) && access(path, F_OK) == 0;
}

static enum ta_store_state probe(char *why, size_t n)
{
	SecretService *service;
	SecretCollection *collection;
	enum ta_store_state state;
	GError *err = NULL;

	if (!session_bus_known()) {
		snprintf(why, n, "there is no D-Bus session bus for a keychain");
		return TA_STORE_ABSENT;
	}
	if (!(service = secret_service_get_sync(SECRET_SERVICE_NONE, NULL, &err))) {
		snprintf(why, n, "the keychain cannot be reached: %s", err ? err->message : "?");
		g_clear_error(&err);
		return TA_STORE_ABSENT;
	}
	collection = secret_collection_for_alias_sync(service, SECRET_COLLECTION_DEFAULT,
	                                              SECRET_COLLECTION_NONE, NULL, &err);
	if (err) {
		if (g_error_matches(err, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN))
			snprintf(why, n, "no keychain is running (no Secret Service such as gnome-keyring)");
		else
			snprintf(why, n, "the keychain cannot be reached: %s", err->message);
		state = TA_STORE_ABSENT;
	} else if (!collection) {
		snprintf(why, n, "the keychain has no default collection");
		state = TA_STORE_ABSENT;
	} else if (secret_collection_get_locked(collection)) {
		snprintf(why, n, "the keychain is locked");
		state = TA_STORE_LOCKED;
	} else {
		snprintf(why, n, "the keychain is unlocked");
		state = TA_STORE_USABLE;
	}
	g_clear_error(&err);
	if (collection)
		g_object_unref(collection);
	g_object_unref(service);
	return state;
}

enum ta_store_state ta_keychain_probe(struct ta_client *c, char *why, size_t n)
{
	if (!c)
		return probe(why, n);
	if (c->keychain_state == TA_STORE_UNKNOWN) {
		c->keychain_state = probe(c->keychain_why, sizeof(c->keychain_why));
		ta_debug(c, 1, "store: %s", c->keychain_why);
	}
	snprintf(why, n, "%s", c->keychain_why);
	return (enum ta_store_state)c->keychain_state;
}

static enum ta_result keychain_load(struct ta_client *c, const char *profile,
                                    struct ta_session **out)
{
	GError *err = NULL;
	enum ta_result r;
	gchar *json = secret_password_lookup_nonpageable_sync(&session_schema, NULL, &err,
	                                                      "profile", profile, NULL);

	if (err) {
		r = ta_fail(c, TA_E_STORE, "cannot read the keychain: %s", err->message);
		g_error_free(err);
		return r;
	}
	if (!json)
		return ta_fail(c, TA_E_NO_SESSION, "not signed in (profile '%s')", profile);
	r = ta_session_from_json(c, json, strlen(json), out);
	secret_password_free(json); /* wipes it */
	return r;
}

static enum ta_result keychain_save(struct ta_client *c, const char *profile,
                                    const struct ta_session *s)
{
	char label[128], *json = NULL;
	GError *err = NULL;
	enum ta_result r;

	if ((r = ta_session_to_json(s, &json)) != TA_OK)
		return r;
	snprintf(label, sizeof(label), "termauth session (profile %s)", profile);
	if (!secret_password_store_sync(&session_schema, SECRET_COLLECTION_DEFAULT, label, json,
	                                NULL, &err, "profile", profile, NULL)) {
		r = ta_fail(c, TA_E_STORE, "cannot save to the keychain: %s",
		            err ? err->message : "it refused");
		g_clear_error(&err);
	}
	ta_free_secret(json);
	return r;
}

static enum ta_result keychain_remove(struct ta_client *c, const char *profile)
{
	GError *err = NULL;
	enum ta_result r = TA_OK;

	secret_password_clear_sync(&session_schema, NULL, &err, "profile", profile, NULL);
	if (err) {
		r = ta_fail(c, TA_E_STORE, "cannot remove the session from the keychain: %s",
		            err->message);
		g_error_free(err);
	}
	return r;
}

static enum ta_result keychain_list(struct ta_client *c, char ***names, size_t *n)
{
	GError *err = NULL;
	enum ta_result r = TA_OK;
	GList *items = secret_password_search_sync(&session_schema, SECRET_SEARCH_ALL, NULL,
	                                           &err, NULL);
	GList *i;

	if (err) {
		r = ta_fail(c, TA_E_STORE, "cannot search the keychain: %s", err->message);
		g_error_free(err);
		return r;
	}
	for (i = items; i && r == TA_OK; i = i->next) {
		GHashTable *attributes = secret_retrievable_get_attributes(i->data);
		const char *name = attributes ? g_hash_table_lookup(attributes, "profile") : NULL;
		if (name && ta_profile_name_ok(name) && !ta_credential_session_name(name))
			r = ta_names_add(names, n, name);
		if (attributes)
			g_hash_table_unref(attributes);
	}
	g_list_free_full(items, g_object_unref);
	return r;
}

const struct ta_store_backend ta_store_keychain = {
	.name = "keychain",
	.label = "the keychain",
	.cached = 1,
	.probe = ta_keychain_probe,
	.load = keychain_load,
	.save = keychain_save,
	.remove = keychain_remove,
	.list = keychain_list,
};
