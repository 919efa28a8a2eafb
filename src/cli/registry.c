/*
 * hanoinet registry - the depositary's tools for the signed directory:
 *   registry keygen --name NAME --key FILE    make a registry key (FILE, 0600)
 *                                             and FILE.pub; print the vkey
 *   registry sign --key FILE [--out OUT] [--format 1|2] DESC
 *                                             sign a directory description
 *                                             (format 2 unless told)
 *   registry verify --vkey VKEY|@FILE [--at TIME] DIR
 *                                             check a signed directory
 *   registry entry --dir DIR --url URL [...]  a node's directory entry
 * Exit status: 0 ok, 1 does not verify / invalid, 2 usage or unreadable.
 */
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
#include "core/date.h"
#include "ledger/note.h"
#include "node/node.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/fmt.h"
#include "util/json.h"

static int
registry_keygen(int argc, char **argv)
{
	static const char usage[] = "hanoinet registry keygen --name NAME "
				    "--key FILE";
	const char *name = NULL, *key = NULL;
	const struct hn_cli_opt opts[] = { HN_OPT_REQ("name", &name),
		HN_OPT_REQ("key", &key), HN_OPT_END };
	struct hn_buf line = HN_BUF_INIT(1024);
	uint8_t seed[HN_ED25519_SEED_LEN], pk[HN_ED25519_PK_LEN];
	uint8_t sk[HN_ED25519_SK_LEN];
	char vkey[HN_VKEY_MAX + 1], pub[4096];
	int st = 2, n;

	if ((st = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) !=
	    HN_CLI_GO)
		return st;
	st = 2;
	if (!hn_signer_valid(name, strlen(name)))
		return hn_cli_usage("registry keygen: bad key name '%s' (printable"
				    " ASCII, no spaces or '+')",
		    name);
	if (hn_crypto_init() < 0)
		return hn_cli_fail(2, "cannot initialise libsodium");
	hn_random(seed, sizeof(seed));
	hn_ed25519_from_seed(pk, sk, seed);
	if (hn_fmt(pub, sizeof(pub), "%s.pub", key) != 0 ||
	    hn_skey_format(&line, name, seed) < 0 ||
	    hn_vkey_format(vkey, sizeof(vkey), name, pk) < 0) {
		st = hn_cli_fail(2,
		    "registry keygen: key name or path too long");
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
	static const char usage[] =
	    "hanoinet registry sign --key FILE "
	    "[--out FILE] [--format 1|2] DESCRIPTION.json";
	const char *key = NULL, *outp = NULL, *format = NULL;
	const struct hn_cli_opt opts[] = { HN_OPT_REQ("key", &key),
		HN_OPT("out", &outp), HN_OPT("format", &format), HN_OPT_END };
	struct hn_buf kb = HN_BUF_INIT(1024), desc = HN_BUF_INIT(HN_DIR_MAX);
	struct hn_buf out = HN_BUF_INIT(HN_DIR_MAX + 1024);
	uint8_t sk[HN_ED25519_SK_LEN], pk[HN_ED25519_PK_LEN];
	char name[HN_SIGNER_MAX + 1];
	struct hn_error err;
	int st = 2, version = HN_DIR_VERSION;

	if ((st = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) !=
	    HN_CLI_GO)
		return st;
	st = 2;
	if (format != NULL) {
		if (strcmp(format, "1") != 0 && strcmp(format, "2") != 0)
			return hn_cli_usage("--format is 1 or 2; usage: %s",
			    usage);
		version = format[0] - '0';
	}
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
	if (hn_file_read(argv[1], &desc) < 0) {
		st = hn_cli_fail(2,
		    "registry sign: cannot read %s (at most "
		    "%u bytes)",
		    argv[1], HN_DIR_MAX);
		goto out;
	}
	/* Format 1 is for a network some of whose nodes do not read 2 yet
	 * (docs/protocol.md section 3). */
	if (hn_directory_sign_version(&out, desc.data, desc.len, version, name,
		sk, (int64_t)time(NULL), &err) < 0) {
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
	static const char usage[] = "hanoinet registry verify "
				    "--vkey VKEY|@FILE [--at TIME] DIRECTORY";
	const char *vk = NULL, *at = NULL;
	const struct hn_cli_opt opts[] = { HN_OPT_REQ("vkey", &vk),
		HN_OPT("at", &at), HN_OPT_END };
	struct hn_buf b = HN_BUF_INIT(HN_DIR_MAX);
	struct hn_directory *d = NULL;
	char vkey[HN_VKEY_MAX + 1], ts[HN_TIME_STRLEN];
	struct hn_error err;
	int64_t now;
	size_t i, j;
	int st = 2;

	if ((st = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) !=
	    HN_CLI_GO)
		return st;
	st = 2;
	now = (int64_t)time(NULL);
	if (at != NULL && hn_datetime_parse(at, &now) < 0)
		return hn_cli_usage("registry verify: --at wants "
				    "YYYY-MM-DDTHH:MM:SSZ");
	if (read_vkey(vk, vkey, sizeof(vkey)) < 0)
		return hn_cli_usage("registry verify: cannot read the verifier"
				    " key");
	if (hn_crypto_init() < 0)
		return hn_cli_fail(2, "cannot initialise libsodium");
	if (hn_file_read(argv[1], &b) < 0) {
		st = hn_cli_fail(2, "registry verify: cannot read %s", argv[1]);
		goto out;
	}
	if (hn_directory_open(&d, b.data, b.len, vkey, now, &err) < 0) {
		st = hn_cli_fail(err.code == HN_EPARSE &&
			    strcmp(err.field, "key") == 0 ?
			2 :
			1,
		    "registry verify: %s%s%s", err.field,
		    err.field[0] != '\0' ? ": " : "", err.message);
		goto out;
	}
	hn_datetime_format(d->expires_at, ts);
	printf("ok serial=%llu parties=%zu expires_at=%s v=%d\n",
	    (unsigned long long)d->serial, d->nparties, ts, d->version);
	/* One line per party: its code and its endpoints' URLs. */
	for (i = 0; i < d->nparties; i++) {
		printf("%s", d->parties[i].code);
		for (j = 0; j < d->parties[i].nendpoints; j++)
			printf(" %s", d->parties[i].endpoints[j].url);
		printf("\n");
	}
	st = 0;
out:
	hn_directory_free(d);
	hn_buf_release(&b);
	return st;
}

/* What "registry entry" was asked for. */
struct entry_opts {
	const char *dir, *langs, *cosig;
	size_t nurls, nwit;
	const char *urls[HN_DIR_MAX_ENDPOINTS];
	size_t npins[HN_DIR_MAX_ENDPOINTS]; /* given pins per endpoint */
	char pins[HN_DIR_MAX_ENDPOINTS][HN_DIR_MAX_PINS][hn_hex_len(32)];
	char wit[HN_DIR_MAX_WITNESSES][HN_PARTY_CODE_LEN + 1];
};

#define ENTRY_USAGE \
	"hanoinet registry entry --dir DIR --url URL " \
	"[--pin HEX|--pin-cert FILE]... [--url URL [--pin ...]...]... " \
	"[--cosigning-key VKEY|@FILE] [--witness CODE[,CODE]...]... " \
	"[--languages en,fr]"

/* A pin for the endpoint named last: 64 hex digits, or a PEM file. */
static int
entry_pin(struct entry_opts *o, const char *arg, int is_file)
{
	struct hn_buf crt = HN_BUF_INIT(1 << 16);
	uint8_t fp[32];
	size_t k = o->nurls - 1;
	int r = 0;

	if (o->nurls == 0)
		return hn_cli_usage(
		    "registry entry: --pin and --pin-cert follow "
		    "the --url of their endpoint");
	if (o->npins[k] + 1 >= HN_DIR_MAX_PINS)
		return hn_cli_usage(
		    "registry entry: endpoints[%zu].tls_sha256: "
		    "at most %d pins per endpoint (this node's certificate "
		    "and %d more)",
		    k, HN_DIR_MAX_PINS, HN_DIR_MAX_PINS - 1);
	if (is_file) {
		if (hn_file_read(arg, &crt) != 0 ||
		    hn_x509_fingerprint_pem(crt.data, crt.len, fp) != 0)
			r = hn_cli_fail(2,
			    "registry entry: --pin-cert: cannot "
			    "read a PEM certificate from %s",
			    arg);
		else
			hn_hex_encode(o->pins[k][o->npins[k]++], fp, 32);
	} else if (strlen(arg) != 64 || hn_hex_decode(fp, 32, arg, 64) != 32) {
		r = hn_cli_usage(
		    "registry entry: endpoints[%zu].tls_sha256: "
		    "--pin wants 64 hex digits (SHA-256 of a DER certificate)",
		    k);
	} else {
		hn_hex_encode(o->pins[k][o->npins[k]++], fp, 32);
	}
	hn_buf_release(&crt);
	return r;
}

/* --witness CODE[,CODE...]: party codes, each once. */
static int
entry_witness(struct entry_opts *o, const char *arg)
{
	const char *p = arg;
	size_t j, n;

	while (*p != '\0') {
		n = strcspn(p, ",");
		if (n != HN_PARTY_CODE_LEN || p[0] < 'A' || p[0] > 'Z' ||
		    p[1] < 'A' || p[1] > 'Z' || p[2] < 'A' || p[2] > 'Z')
			return hn_cli_usage("registry entry: witnesses: '%s' "
					    "is not a list of party codes (three capital "
					    "letters)",
			    arg);
		if (o->nwit == HN_DIR_MAX_WITNESSES)
			return hn_cli_usage("registry entry: witnesses: at most "
					    "%d",
			    HN_DIR_MAX_WITNESSES);
		memcpy(o->wit[o->nwit], p, HN_PARTY_CODE_LEN);
		o->wit[o->nwit][HN_PARTY_CODE_LEN] = '\0';
		for (j = 0; j < o->nwit; j++)
			if (strcmp(o->wit[j], o->wit[o->nwit]) == 0)
				return hn_cli_usage("registry entry: witnesses: "
						    "%s given twice",
				    o->wit[j]);
		o->nwit++;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* --url, --pin, --pin-cert, --witness: in the order given. */
static int
entry_each(void *ctx, const char *name, const char *value)
{
	struct entry_opts *o = ctx;

	if (strcmp(name, "url") == 0) {
		if (o->nurls == HN_DIR_MAX_ENDPOINTS)
			return hn_cli_usage("registry entry: endpoints: at most "
					    "%d (--url)",
			    HN_DIR_MAX_ENDPOINTS);
		o->urls[o->nurls++] = value;
		return 0;
	}
	if (strcmp(name, "witness") == 0)
		return entry_witness(o, value);
	return entry_pin(o, value, strcmp(name, "pin-cert") == 0);
}

static int
entry_args(struct entry_opts *o, int argc, char **argv)
{
	const struct hn_cli_opt opts[] = { HN_OPT_REQ("dir", &o->dir),
		HN_OPT_EACH_REQ("url", entry_each, o),
		HN_OPT("languages", &o->langs),
		HN_OPT_EACH("pin", entry_each, o),
		HN_OPT_EACH("pin-cert", entry_each, o),
		HN_OPT("cosigning-key", &o->cosig),
		HN_OPT_EACH("witness", entry_each, o), HN_OPT_END };
	int r;

	memset(o, 0, sizeof(*o));
	o->langs = "en";
	if ((r = hn_cli_args(argc, argv, opts, 0, 0, ENTRY_USAGE, NULL)) !=
	    HN_CLI_GO)
		return r;
	if (strlen(o->langs) >= 256)
		return hn_cli_usage("registry entry: --languages: at most 255 "
				    "bytes; usage: %s",
		    ENTRY_USAGE);
	return HN_CLI_GO;
}

/* endpoints[]: each gets this node's certificate, then its given pins. */
static json_t *
entry_endpoints(const struct entry_opts *o, const char *own)
{
	json_t *eps = json_array(), *pins;
	size_t i, j;

	for (i = 0; eps != NULL && i < o->nurls; i++) {
		pins = json_array();
		json_array_append_new(pins, json_string(own));
		for (j = 0; j < o->npins[i]; j++)
			if (strcmp(o->pins[i][j], own) != 0)
				json_array_append_new(pins,
				    json_string(o->pins[i][j]));
		json_array_append_new(eps,
		    json_pack("{s:s, s:o}", "url", o->urls[i], "tls_sha256",
			pins));
	}
	return eps;
}

/* --cosigning-key VKEY|@FILE: a C2SP cosignature/v1 verifier key. */
static int
entry_cosig(const char *arg, char *vkey, size_t sz)
{
	struct hn_note_verifier v;

	if (read_vkey(arg, vkey, sz) < 0)
		return hn_cli_fail(2,
		    "registry entry: cannot read the "
		    "cosigning key %s",
		    arg);
	if (hn_note_verifier_parse(&v, vkey, strlen(vkey), NULL) < 0 ||
	    v.type != HN_NOTE_COSIG_V1)
		return hn_cli_fail(1,
		    "registry entry: cosigning_key: must be a "
		    "C2SP cosignature/v1 verifier key (type 0x04)");
	return 0;
}

/*
 * registry entry: the directory entry of a node (what its operator sends
 * the depositary): party, endpoints (each --url with this node's TLS
 * fingerprint and the pins given after it, e.g. the next certificate's
 * before a renewal), signing key (created in DIR/signing.key if missing),
 * cosigning key and witnesses if given, placeholder contacts to fill in.
 * JSON on stdout.
 */
static int
registry_entry(int argc, char **argv)
{
	struct hn_buf crt = HN_BUF_INIT(1 << 16);
	uint8_t sk[HN_ED25519_SK_LEN], fp[32];
	char path[4096], name[HN_SIGNER_MAX + 1], vkey[HN_VKEY_MAX + 1];
	char keyname[HN_SIGNER_MAX + 1], hex[hn_hex_len(32)], lb[256], *p, *e;
	char cvkey[HN_VKEY_MAX + 1];
	struct entry_opts o;
	struct hn_conf conf;
	struct hn_error err;
	json_t *obj = NULL, *la, *wa;
	char *s = NULL;
	size_t i;
	int st;

	if ((st = entry_args(&o, argc, argv)) != HN_CLI_GO)
		return st;
	if (o.cosig != NULL &&
	    (st = entry_cosig(o.cosig, cvkey, sizeof(cvkey))) != 0)
		return st;
	st = 2;
	if (hn_crypto_init() < 0)
		return hn_cli_fail(2, "cannot initialise libsodium");
	if (hn_fmt(path, sizeof(path), "%s/hanoinet.conf", o.dir) != 0 ||
	    hn_conf_load(&conf, path, &err) != 0)
		return hn_cli_fail(2, "registry entry: cannot read %s", path);
	if (hn_conf_path(&conf, "tls.crt", path, sizeof(path)) != 0 ||
	    hn_file_read(path, &crt) != 0 ||
	    hn_x509_fingerprint_pem(crt.data, crt.len, fp) != 0) {
		st = hn_cli_fail(2, "registry entry: cannot read %s", path);
		goto out;
	}
	hn_hex_encode(hex, fp, 32);
	if (hn_conf_path(&conf, "signing.key", path, sizeof(path)) != 0 ||
	    hn_fmt(name, sizeof(name), "hanoinet/%s",
		hn_conf_get(&conf, "party")) != 0 ||
	    hn_nodekey_load(path, name, sk, keyname, vkey, &err) != 0) {
		st = hn_cli_fail(2, "registry entry: signing key: %s",
		    err.message);
		goto out;
	}
	hn_wipe(sk, sizeof(sk));
	la = json_array();
	memcpy(lb, o.langs, strlen(o.langs) + 1);
	for (p = lb; p != NULL && *p != '\0'; p = e) {
		if ((e = strchr(p, ',')) != NULL)
			*e++ = '\0';
		json_array_append_new(la, json_string(p));
	}
	obj = json_pack("{s:s, s:o, s:s, s:{s:s}, s:{s:s}, s:o}", "code",
	    hn_conf_get(&conf, "party"), "endpoints", entry_endpoints(&o, hex),
	    "signing_key", vkey, "contact_24_7", "name",
	    "24/7 point of contact", "central_authority", "name",
	    "central authority", "languages", la);
	if (obj != NULL && o.cosig != NULL)
		json_object_set_new(obj, "cosigning_key", json_string(cvkey));
	if (obj != NULL && o.nwit > 0) {
		wa = json_array();
		for (i = 0; i < o.nwit; i++)
			json_array_append_new(wa, json_string(o.wit[i]));
		json_object_set_new(obj, "witnesses", wa);
	}
	if (obj == NULL ||
	    (s = json_dumps(obj, JSON_INDENT(1) | JSON_PRESERVE_ORDER)) ==
		NULL) {
		st = hn_cli_fail(2, "registry entry: out of memory");
		goto out;
	}
	printf("%s\n", s);
	st = 0;
out:
	free(s);
	json_decref(obj);
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
