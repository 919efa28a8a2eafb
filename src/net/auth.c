#include "net/auth.h"

#include <stdio.h>
#include <string.h>

#include "crypto/password.h"
#include "crypto/sha256.h"
#include "crypto/sign.h"
#include "net/http.h"
#include "util/encode.h"
#include "util/diag.h"
#include "util/fmt.h"

static int
valid_name(const char *s)
{
	size_t i;

	if (s == NULL ||
	    !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return 0;
	for (i = 0; s[i]; i++) {
		if (i >= HN_ACCOUNT_NAME_MAX - 1)
			return 0;
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
			s[i] == '_' || s[i] == '-'))
			return 0;
	}
	return 1;
}

int
hn_entry_text_allowed(unsigned role)
{
	return (role & (HN_ROLE_AUDITOR | HN_ROLE_ADMIN)) != 0;
}

int
hn_lang_valid(const char *s)
{
	static const char *const langs[] = { "ar", "en", "es", "fr", "ru", "zh",
		NULL };
	int i;

	for (i = 0; langs[i] != NULL; i++)
		if (strcmp(langs[i], s) == 0)
			return 1;
	return 0;
}

int
hn_account_prepare(struct hn_account *a, const char *name, const char *role,
    const char *password, const char *lang, char *generated, int64_t now,
    unsigned flags, struct hn_error *err)
{
	char why[HN_ERR_MESSAGE_MAX - 32];
	int given = password != NULL, r;
	size_t n;

	memset(a, 0, sizeof(*a));
	if (!valid_name(name))
		return hn_error_set(err, HN_EINVAL, "name", NULL,
		    "an account name is 1 to 63 characters a-z 0-9 . _ - "
		    "starting with a letter or digit");
	if (hn_role_bit(role) == 0)
		return hn_error_set(err, HN_EINVAL, "role", NULL,
		    "role must be duty_officer, central_authority, "
		    "supervisor, auditor or admin");
	if (lang == NULL)
		lang = "en";
	if (!hn_lang_valid(lang))
		return hn_error_set(err, HN_EINVAL, "lang", NULL,
		    "lang must be one of ar en es fr ru zh");
	if (password == NULL) {
		hn_password_generate(generated, HN_GENERATED_PASSWORD_LEN);
		password = generated;
	}
	n = strnlen(password, HN_PASSWORD_MAX + 1);
	if (n < HN_PASSWORD_MIN || n > HN_PASSWORD_MAX)
		return hn_error_set(err, HN_EINVAL, "password", NULL,
		    "a password has %d to %d characters", HN_PASSWORD_MIN,
		    HN_PASSWORD_MAX);
	if (given && (flags & HN_ACCOUNT_DEMO) &&
	    strcmp(password, HN_DEMO_PASSWORD) == 0) {
		hn_diag(HN_DIAG_WARN, "account.demo_password",
		    "account=%s msg=\"a demo node: the demo password is "
		    "accepted without the strength check\"",
		    name);
	} else if (given && strcmp(password, HN_DEMO_PASSWORD) == 0) {
		return hn_error_set(err, HN_EINVAL, "password", NULL,
		    "the demo password is public: only a demo node accepts it");
	} else if (given &&
	    (r = hn_password_strength(password, name, why, sizeof(why))) != 0) {
		if (r != HN_EINVAL)
			return hn_error_set(err, r, NULL, NULL,
			    "cannot check the password");
		return hn_error_set(err, HN_EINVAL, "password", NULL,
		    "password too weak: %s", why);
	}
	/* each was checked above: a valid name, a known role and language */
	HN_FMT_FIXED(a->name, sizeof(a->name), "%s", name);
	HN_FMT_FIXED(a->role, sizeof(a->role), "%s", role);
	HN_FMT_FIXED(a->lang, sizeof(a->lang), "%s", lang);
	a->created_at = now;
	if (hn_password_hash(a->pwhash, password) != 0)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "cannot hash the password");
	return 0;
}

void
hn_session_token(char token[HN_TOKEN_LEN + 1], uint8_t hash[HN_TOKEN_HASH_LEN])
{
	uint8_t raw[32];
	char b64[hn_b64_len(32)];
	int i;

	hn_random(raw, sizeof(raw));
	hn_b64_encode(b64, raw, sizeof(raw));
	for (i = 0; i < HN_TOKEN_LEN; i++)
		token[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : b64[i];
	token[HN_TOKEN_LEN] = '\0';
	hn_sha256(token, HN_TOKEN_LEN, hash);
	hn_wipe(raw, sizeof(raw));
	hn_wipe(b64, sizeof(b64));
}
