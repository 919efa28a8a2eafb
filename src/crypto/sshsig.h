/*
 * sshsig.h - OpenSSH signatures (the SSHSIG format of ssh-keygen -Y sign,
 * PROTOCOL.sshsig) with Ed25519 keys, hash sha512. What a court checks with
 *   ssh-keygen -Y verify -f allowed_signers -I NAME -n NAMESPACE -s F.sig < F
 *
 * Signed data: "SSHSIG" || string(namespace) || string("") ||
 * string("sha512") || string(SHA-512(message)); the signature blob is
 * "SSHSIG" || uint32(1) || string(publickey) || string(namespace) ||
 * string("") || string("sha512") || string(signature), armored between
 * -----BEGIN SSH SIGNATURE----- and -----END SSH SIGNATURE----- in base64
 * lines of 70 characters.
 */
#ifndef HN_CRYPTO_SSHSIG_H
#define HN_CRYPTO_SSHSIG_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define HN_SSHSIG_MAX 4096 /* armored signature size limit */
#define HN_SSHSIG_NS_MAX 64 /* namespace length limit */

/* Appends the armored signature of msg to out. */
int hn_sshsig_sign(struct hn_buf *out, const void *msg, size_t len,
    const char *ns, const uint8_t sk[64]) __attribute__((warn_unused_result));

/*
 * Verifies an armored signature over msg in namespace ns; *signer gets the
 * key inside the signature (the caller checks it is the key it trusts).
 * HN_EPARSE: malformed; HN_EVERIFY: wrong namespace, algorithm or
 * signature.
 */
int hn_sshsig_verify(const char *armored, size_t alen, const void *msg,
    size_t len, const char *ns, uint8_t signer[32])
    __attribute__((warn_unused_result));

/* Appends "ssh-ed25519 BASE64" (an OpenSSH public key, no comment). */
int hn_ssh_pubkey_format(struct hn_buf *out, const uint8_t pk[32])
    __attribute__((warn_unused_result));

/*
 * Finds the key of `principal` allowed for namespace ns in an
 * allowed_signers file (ssh-keygen(1) ALLOWED SIGNERS: principals
 * [options] keytype base64; only the namespaces="..." option is
 * understood, lines with other options are skipped). HN_ENOTFOUND if none.
 */
int hn_ssh_allowed_signer(const char *text, size_t len, const char *principal,
    const char *ns, uint8_t pk[32]) __attribute__((warn_unused_result));

#endif
