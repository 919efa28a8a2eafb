#include "crypto/x509.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto/sha256.h"
#include "crypto/sign.h"
#include "util/fmt.h"

static int
add_ext(X509 *crt, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, crt, crt, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return -1;
	ok = X509_add_ext(crt, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

static int
bio_to_buf(BIO *b, struct hn_buf *out)
{
	char *p;
	long n;

	n = BIO_get_mem_data(b, &p);
	if (n <= 0)
		return HN_ECRYPTO;
	return hn_buf_add(out, p, (size_t)n);
}

static int
valid_name(const char *name)
{
	const char *p;

	if (name == NULL || *name == '\0' || strlen(name) > 200)
		return 0;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
			*p == ':'))
			return 0;
	return 1;
}

int
hn_x509_generate(const char *name, int days, struct hn_buf *key_pem,
    struct hn_buf *cert_pem, struct hn_error *err)
{
	EVP_PKEY *pkey = NULL;
	X509 *crt = NULL;
	X509_NAME *subj;
	BIO *kb = NULL, *cb = NULL;
	uint8_t serial[16], a[16];
	BIGNUM *bn = NULL;
	char san[512];
	int r = HN_ECRYPTO, n, isip;

	if (days < 1 || days > HN_X509_DAYS_MAX)
		return hn_error_set(err, HN_EINVAL, "days", NULL,
		    "a certificate is valid for 1 to %d days",
		    HN_X509_DAYS_MAX);
	if (!valid_name(name))
		return hn_error_set(err, HN_EINVAL, "name", NULL,
		    "invalid node name for a certificate");
	isip = inet_pton(AF_INET, name, a) == 1 ||
	    inet_pton(AF_INET6, name, a) == 1;
	if (strcmp(name, "localhost") == 0 || strcmp(name, "127.0.0.1") == 0 ||
	    strcmp(name, "::1") == 0)
		n = hn_fmt(san, sizeof(san),
		    "DNS:localhost,IP:127.0.0.1,IP:::1");
	else
		n = hn_fmt(san, sizeof(san),
		    "DNS:localhost,IP:127.0.0.1,IP:::1,%s:%s",
		    isip ? "IP" : "DNS", name);
	if (n != 0)
		return hn_error_set(err, n, "name", NULL, "node name too long");
	if ((pkey = EVP_EC_gen("P-256")) == NULL)
		goto out;
	if ((crt = X509_new()) == NULL || !X509_set_version(crt, 2))
		goto out;
	hn_random(serial, sizeof(serial));
	serial[0] &= 0x7f;
	serial[0] |= 0x01;
	if ((bn = BN_bin2bn(serial, sizeof(serial), NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(crt)) == NULL)
		goto out;
	/* an hour of clock skew before now, `days` days in all */
	if (X509_gmtime_adj(X509_getm_notBefore(crt), -3600) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(crt),
		(long)days * 86400 - 3600) == NULL)
		goto out;
	if (!X509_set_pubkey(crt, pkey))
		goto out;
	subj = X509_get_subject_name(crt);
	if (!X509_NAME_add_entry_by_txt(subj, "CN", MBSTRING_ASC,
		(const unsigned char *)name, -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(subj, "O", MBSTRING_ASC,
		(const unsigned char *)"hanoinet node", -1, -1, 0) ||
	    !X509_set_issuer_name(crt, subj))
		goto out;
	if (add_ext(crt, NID_basic_constraints, "critical,CA:FALSE") != 0 ||
	    add_ext(crt, NID_key_usage, "critical,digitalSignature") != 0 ||
	    add_ext(crt, NID_ext_key_usage, "serverAuth,clientAuth") != 0 ||
	    add_ext(crt, NID_subject_key_identifier, "hash") != 0 ||
	    add_ext(crt, NID_subject_alt_name, san) != 0)
		goto out;
	if (!X509_sign(crt, pkey, EVP_sha256()))
		goto out;
	if ((kb = BIO_new(BIO_s_secmem())) == NULL ||
	    (cb = BIO_new(BIO_s_mem())) == NULL)
		goto out;
	if (!PEM_write_bio_PrivateKey(kb, pkey, NULL, NULL, 0, NULL, NULL) ||
	    !PEM_write_bio_X509(cb, crt))
		goto out;
	if ((r = bio_to_buf(kb, key_pem)) != 0 ||
	    (r = bio_to_buf(cb, cert_pem)) != 0)
		goto out;
	r = 0;
out:
	if (r != 0)
		hn_error_set(err, r, NULL, NULL,
		    "cannot generate the TLS key and certificate");
	BN_free(bn);
	BIO_free(kb);
	BIO_free(cb);
	X509_free(crt);
	EVP_PKEY_free(pkey);
	return r;
}

void
hn_x509_fingerprint_der(const uint8_t *der, size_t len, uint8_t out[32])
{
	hn_sha256(der, len, out);
}

int
hn_x509_fingerprint_pem(const char *pem, size_t len, uint8_t out[32])
{
	BIO *b = NULL;
	X509 *crt = NULL;
	unsigned char *der = NULL;
	int n, r = HN_EPARSE;

	if (len > 1 << 20 || (b = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return HN_EPARSE;
	if ((crt = PEM_read_bio_X509(b, NULL, NULL, NULL)) == NULL)
		goto out;
	if ((n = i2d_X509(crt, &der)) <= 0)
		goto out;
	hn_x509_fingerprint_der(der, (size_t)n, out);
	r = 0;
out:
	OPENSSL_free(der);
	X509_free(crt);
	BIO_free(b);
	return r;
}

int
hn_x509_not_after(const char *pem, size_t len, int64_t *out)
{
	const ASN1_TIME *t;
	struct tm tm;
	BIO *b = NULL;
	X509 *crt = NULL;
	int r = HN_EPARSE;

	if (len > 1 << 20 || (b = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return HN_EPARSE;
	if ((crt = PEM_read_bio_X509(b, NULL, NULL, NULL)) == NULL ||
	    (t = X509_get0_notAfter(crt)) == NULL ||
	    ASN1_TIME_to_tm(t, &tm) != 1)
		goto out;
	*out = (int64_t)timegm(&tm);
	r = 0;
out:
	X509_free(crt);
	BIO_free(b);
	return r;
}
