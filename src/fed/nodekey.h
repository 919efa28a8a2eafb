/*
 * nodekey.h - the node's Ed25519 signing key file (DIR/signing.key, one C2SP
 * private-key line, mode 0600): read it, or create it on first use.
 */
#ifndef HN_FED_NODEKEY_H
#define HN_FED_NODEKEY_H

#include <stdint.h>

#include "crypto/sign.h"
#include "fed/signed.h"
#include "util/err.h"

/*
 * Reads the key at path; if the file does not exist, creates it with a
 * fresh key named `name_if_new`. Fills sk (the caller wipes it), the key
 * name (HN_SIGNER_MAX + 1) and the verifier key (HN_VKEY_MAX + 1).
 */
int hn_nodekey_load(const char *path, const char *name_if_new,
    uint8_t sk[HN_ED25519_SK_LEN], char *name, char *vkey, struct hn_error *err)
    __attribute__((warn_unused_result));

#endif
