/*
 * hanoinet registry - the depositary's tools for the signed directory:
 *   registry keygen --name NAME --key FILE    make a registry key (FILE, 0600)
 *                                             and FILE.pub; print the vkey
 *   registry sign --key FILE [--out OUT] DESC sign a directory description
 *   registry verify --vkey VKEY|@FILE [--at TIME] DIR
 *                                             check a signed directory
 * Exit status: 0 ok, 1 does not verify / invalid, 2 usage or unreadable.
 */
#include <getopt.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "crypto/sign.h"
#include "crypto/x509.h"
#include "fed/directory.h"
#include "fed/nodekey.h"
#include "fed/signed.h"
#include "fed/timefmt.h"
#include "node/node.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/json.h"

static int
registry_keygen(int argc, char **argv)
{
	static const struct option opts[] = { { "name", 1, NULL, 'n' },
		{ "key", 1, NULL, 'k' }, { NULL, 0, NULL, 0 } };
	struct hn_buf line = HN_BUF_INIT(1024);
	uint8_t seed[HN_ED25519_SEED_LEN], pk[HN_ED25519_PK_LEN];
	uint8_t sk[HN_ED25519_SK_LEN];
	const char *name = NULL, *key = NULL;
	char vkey[HN_VKEY_MAX + 1], pub[4096];
	int c, st = 2, n;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'n')
			name = optarg;
		else if (c == 'k')
			key = optarg;
		else
			return hn_cli_usage("usage: hanoinet registry keygen "
			    "--name NAME --key FILE");
	}
	if (name == NULL || key == NULL || optind != argc)
		return hn_cli_usage("usage: hanoinet registry keygen --name NAME "
		    "--key FILE");
	if (!hn_signer_valid(name, strlen(name)))
		return hn_cli_usage("registry keygen: bad key name '%s' (printable"
		    " ASCII, no spaces or '+')", name);
	if (hn_crypto_init() < 0)
		return hn_cli_fail(2, "cannot initialise libsodium");
	hn_random(seed, sizeof(seed));
	hn_ed25519_from_seed(pk, sk, seed);
	n = snprintf(pub, sizeof(pub), "%s.pub", key);
	if (n < 0 || (size_t)n >= sizeof(pub) ||
	    hn_skey_format(&line, name, seed) < 0 ||
	    hn_vkey_format(vkey, sizeof(vkey), name, pk) < 0) {
		st = hn_cli_fail(2, "registry keygen: key name or path too long");
		goto out;
	}
	if (hn_file_write_atomic(key, line.data, line.len, 0600) < 0) {
		st = hn_cli_fail(2, "registry keygen: cannot write %s", key);
		goto out;
	}
	n = (int)strlen(vkey);
	vkey[n] = '\n';
	if (hn_file_write_atomic(pub, vkey, (size_t)n + 1, 0644) < 0) {
		st = hn_cli_fail(2, "registry keygen: cannot write %s", pub);
		goto out;
	}
	vkey[n] = '\0';
	printf("%s\n", vkey);
	st = 0;
out:
	hn_wipe(seed, sizeof(seed));
	hn_wipe(sk, sizeof(sk));
	hn_buf_release_secret(&line);
	return st;
}

static int
registry_sign(int argc, char **argv)
{
	static const struct option opts[] = { { "key", 1, NULL, 'k' },
		{ "out", 1, NULL, 'o' }, { NULL, 0, NULL, 0 } };
	struct hn_buf kb = HN_BUF_INIT(1024), desc = HN_BUF_INIT(HN_DIR_MAX);
	struct hn_buf out = HN_BUF_INIT(HN_DIR_MAX + 1024);
	uint8_t sk[HN_ED25519_SK_LEN], pk[HN_ED25519_PK_LEN];
	const char *key = NULL, *outp = NULL;
	char name[HN_SIGNER_MAX + 1];
	struct hn_error err;
	int c, st = 2;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'k')
			key = optarg;
		else if (c == 'o')
			outp = optarg;
		else
			return hn_cli_usage("usage: hanoinet registry sign --key"
			    " FILE [--out FILE] DESCRIPTION.json");
	}
	if (key == NULL || optind != argc - 1)
		return hn_cli_usage("usage: hanoinet registry sign --key FILE "
		    "[--out FILE] DESCRIPTION.json");
	if (hn_crypto_init() < 0)
		return hn_cli_fail(2, "cannot initialise libsodium");
	if (hn_file_read(key, &kb) < 0) {
		st = hn_cli_fail(2, "registry sign: cannot read key %s", key);
		goto out;
	}
	if (hn_skey_parse(kb.data, kb.len, name, sk, pk, &err) < 0) {
		st = hn_cli_fail(2, "registry sign: %s: %s", key, err.message);
		goto out;
	}
	if (hn_file_read(argv[optind], &desc) < 0) {
		st = hn_cli_fail(2, "registry sign: cannot read %s (at most "
		    "%u bytes)", argv[optind], HN_DIR_MAX);
		goto out;
	}
	if (hn_directory_sign(&out, desc.data, desc.len, name, sk,
	    (int64_t)time(NULL), &err) < 0) {
		st = hn_cli_fail(1, "registry sign: %s%s%s", err.field,
		    err.field[0] != '\0' ? ": " : "", err.message);
		goto out;
	}
	if (outp != NULL) {
		if (hn_file_write_atomic(outp, out.data, out.len, 0644) < 0) {
			st = hn_cli_fail(2, "registry sign: cannot write %s",
			    outp);
			goto out;
		}
	} else if (fwrite(out.data, 1, out.len, stdout) != out.len) {
		st = hn_cli_fail(2, "registry sign: write error");
		goto out;
	}
	st = 0;
out:
	hn_wipe(sk, sizeof(sk));
	hn_buf_release_secret(&kb);
	hn_buf_release(&desc);
	hn_buf_release(&out);
	return st;
}

/* "@FILE" reads the verifier key from a file (first line). */
static int
read_vkey(const char *arg, char *vkey, size_t sz)
{
	struct hn_buf b = HN_BUF_INIT(HN_VKEY_MAX + 2);
	size_t n;
	int r;

	if (arg[0] != '@') {
		if (strlen(arg) >= sz)
			return HN_ETOOBIG;
		memcpy(vkey, arg, strlen(arg) + 1);
		return 0;
	}
	if ((r = hn_file_read(arg + 1, &b)) < 0)
		goto out;
	n = b.len;
	while (n > 0 && (b.data[n - 1] == '\n' || b.data[n - 1] == '\r'))
		n--;
	if (n >= sz) {
		r = HN_ETOOBIG;
		goto out;
	}
	memcpy(vkey, b.data, n);
	vkey[n] = '\0';
	r = 0;
out:
	hn_buf_release(&b);
	return r;
}

static int
registry_verify(int argc, char **argv)
{
	static const struct option opts[] = { { "vkey", 1, NULL, 'v' },
		{ "at", 1, NULL, 'a' }, { NULL, 0, NULL, 0 } };
	struct hn_buf b = HN_BUF_INIT(HN_DIR_MAX);
	struct hn_directory *d = NULL;
	const char *vk = NULL, *at = NULL;
	char vkey[HN_VKEY_MAX + 1], ts[HN_TIME_LEN + 1];
	struct hn_error err;
	int64_t now;
	size_t i;
	int c, st = 2;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'v')
			vk = optarg;
		else if (c == 'a')
			at = optarg;
		else
			return hn_cli_usage("usage: hanoinet registry verify "
			    "--vkey VKEY|@FILE [--at TIME] DIRECTORY");
	}
	if (vk == NULL || optind != argc - 1)
		return hn_cli_usage("usage: hanoinet registry verify --vkey "
		    "VKEY|@FILE [--at TIME] DIRECTORY");
	now = (int64_t)time(NULL);
	if (at != NULL && hn_time_parse(at, &now) < 0)
		return hn_cli_usage("registry verify: --at wants "
		    "YYYY-MM-DDTHH:MM:SSZ");
	if (read_vkey(vk, vkey, sizeof(vkey)) < 0)
		return hn_cli_usage("registry verify: cannot read the verifier"
		    " key");
	if (hn_crypto_init() < 0)
		return hn_cli_fail(2, "cannot initialise libsodium");
	if (hn_file_read(argv[optind], &b) < 0) {
		st = hn_cli_fail(2, "registry verify: cannot read %s",
		    argv[optind]);
		goto out;
	}
	if (hn_directory_open(&d, b.data, b.len, vkey, now, &err) < 0) {
		st = hn_cli_fail(err.code == HN_EPARSE && strcmp(err.field,
		    "key") == 0 ? 2 : 1, "registry verify: %s%s%s", err.field,
		    err.field[0] != '\0' ? ": " : "", err.message);
		goto out;
	}
	hn_time_format(ts, d->expires_at);
	printf("ok serial=%llu parties=%zu expires_at=%s\n",
	    (unsigned long long)d->serial, d->nparties, ts);
	for (i = 0; i < d->nparties; i++)
		printf("%s %s\n", d->parties[i].code, d->parties[i].node_url);
	st = 0;
out:
	hn_directory_free(d);
	hn_buf_release(&b);
	return st;
}

/*
 * registry entry --dir DIR --url URL [--languages en,fr]: the directory
 * entry of a node (what its operator sends the depositary): party, URL,
 * TLS fingerprint, signing key (created in DIR/signing.key if missing),
 * placeholder contacts to fill in. JSON on stdout.
 */
static int
registry_entry(int argc, char **argv)
{
	static const struct option opts[] = { { "dir", 1, NULL, 'd' },
		{ "url", 1, NULL, 'u' }, { "languages", 1, NULL, 'l' },
		{ NULL, 0, NULL, 0 } };
	struct hn_buf crt = HN_BUF_INIT(1 << 16);
	uint8_t sk[HN_ED25519_SK_LEN], fp[32];
	const char *dir = NULL, *url = NULL, *langs = "en";
	char path[4096], name[HN_SIGNER_MAX + 1], vkey[HN_VKEY_MAX + 1];
	char keyname[HN_SIGNER_MAX + 1], hex[hn_hex_len(32)], lb[256], *p, *e;
	struct hn_conf conf;
	struct hn_error err;
	json_t *o = NULL, *la;
	char *s = NULL;
	int c, st = 2;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			dir = optarg;
		else if (c == 'u')
			url = optarg;
		else if (c == 'l')
			langs = optarg;
		else
			return hn_cli_usage("usage: hanoinet registry entry --dir"
			    " DIR --url URL [--languages en,fr]");
	}
	if (dir == NULL || url == NULL || optind != argc ||
	    strlen(langs) >= sizeof(lb))
		return hn_cli_usage("usage: hanoinet registry entry --dir DIR "
		    "--url URL [--languages en,fr]");
	if (hn_crypto_init() < 0)
		return hn_cli_fail(2, "cannot initialise libsodium");
	if (snprintf(path, sizeof(path), "%s/hanoinet.conf", dir) >=
	    (int)sizeof(path) || hn_conf_load(&conf, path, &err) != 0)
		return hn_cli_fail(2, "registry entry: cannot read %s", path);
	if (hn_conf_path(&conf, "tls.crt", path, sizeof(path)) != 0 ||
	    hn_file_read(path, &crt) != 0 ||
	    hn_x509_fingerprint_pem(crt.data, crt.len, fp) != 0) {
		st = hn_cli_fail(2, "registry entry: cannot read %s", path);
		goto out;
	}
	hn_hex_encode(hex, fp, 32);
	if (hn_conf_path(&conf, "signing.key", path, sizeof(path)) != 0 ||
	    snprintf(name, sizeof(name), "hanoinet/%s",
	    hn_conf_get(&conf, "party")) >= (int)sizeof(name) ||
	    hn_nodekey_load(path, name, sk, keyname, vkey, &err) != 0) {
		st = hn_cli_fail(2, "registry entry: signing key: %s",
		    err.message);
		goto out;
	}
	hn_wipe(sk, sizeof(sk));
	la = json_array();
	memcpy(lb, langs, strlen(langs) + 1);
	for (p = lb; p != NULL && *p != '\0'; p = e) {
		if ((e = strchr(p, ',')) != NULL)
			*e++ = '\0';
		json_array_append_new(la, json_string(p));
	}
	o = json_pack("{s:s, s:s, s:s, s:s, s:{s:s}, s:{s:s}, s:o}", "code",
	    hn_conf_get(&conf, "party"), "node_url", url, "tls_sha256", hex,
	    "signing_key", vkey, "contact_24_7", "name", "24/7 point of contact",
	    "central_authority", "name", "central authority", "languages", la);
	if (o == NULL || (s = json_dumps(o, JSON_INDENT(1) |
	    JSON_PRESERVE_ORDER)) == NULL) {
		st = hn_cli_fail(2, "registry entry: out of memory");
		goto out;
	}
	printf("%s\n", s);
	st = 0;
out:
	free(s);
	json_decref(o);
	hn_buf_release(&crt);
	return st;
}

static const struct hn_cmd registry_cmds[] = {
	{ "entry", registry_entry, "print a node's directory entry" },
	{ "keygen", registry_keygen, "make a registry signing key" },
	{ "sign", registry_sign, "sign a directory description" },
	{ "verify", registry_verify, "verify a signed directory" },
	{ NULL, NULL, NULL }
};

int
cmd_registry(int argc, char **argv)
{
	return hn_cli_dispatch("registry", registry_cmds, argc - 1, argv + 1);
}
