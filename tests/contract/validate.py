#!/usr/bin/env python3
"""The contract test's checker (issue 17): every response the integration
tests recorded (tests/integration/lib/node.sh, HN_API_RECORD: one line per
response, METHOD TAB PATH TAB STATUS TAB CONTENT-TYPE TAB BASE64-BODY) is
checked against docs/api.yaml: the route and method exist, the status is
documented for that operation, and a JSON body is valid against the
response's schema (JSON Schema 2020-12, as OpenAPI 3.1 says).

    validate.py API.yaml RECORDS...   exit 0: every record conforms

Zero records is a failure: a checker that checked nothing proves nothing.
"""
import base64
import warnings
import collections
import json
import re
import sys

import jsonschema
import yaml

MAX_RECORD = 64 << 20


def templates(doc):
    out = []
    for path in doc["paths"]:
        rx = "^" + re.sub(r"\{[^}]+\}", "[^/]+",
                          re.escape(path).replace(r"\{", "{").replace(r"\}", "}"))
        # a trailing {path} parameter may hold slashes (web files, tiles)
        if re.search(r"\{path\}$", path):
            rx = rx[: -len("[^/]+")] + ".+"
        out.append((path.count("{"), path, re.compile(rx + "$")))
    # literal segments win over parameters: /v1/evidence/uploads/{id}
    # before /v1/evidence/{id}/...
    out.sort(key=lambda t: (t[0], -len(t[1])))
    return out


def resolve(doc, node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        node = doc
        for k in ref[2:].split("/"):
            node = node[k.replace("~1", "/").replace("~0", "~")]
    return node


def check(doc, tpls, rec):
    method, path, status, ctype, body = rec
    if status == "000":
        return None  # no answer (connection refused on purpose): nothing to check
    p = path.split("?", 1)[0]
    for _, tpl, rx in tpls:
        if rx.match(p) and method.lower() in doc["paths"][tpl]:
            break
    else:
        # no such route: the node's 404 (the Error object) is the contract
        if status != "404":
            return "no operation %s %s in api.yaml (answered %s)" % (
                method, p, status)
        tpl, rs = "(no route)", {"404": {"$ref": "#/components/responses/Error"}}
        return check_body(doc, method, tpl, status, ctype, body, rs["404"])
    op = doc["paths"][tpl][method.lower()]
    rs = op.get("responses", {})
    r = rs.get(status) or rs.get(status[0] + "XX") or rs.get("default")
    if r is None:
        return "%s %s: status %s not documented (has %s)" % (
            method, tpl, status, ", ".join(sorted(map(str, rs))))
    return check_body(doc, method, tpl, status, ctype, body, r)


def check_body(doc, method, tpl, status, ctype, body, r):
    r = resolve(doc, r)
    if not ctype.startswith("application/json") or not body:
        return None
    sch = None
    for ct, media in (r.get("content") or {}).items():
        if ct.startswith("application/json") and "schema" in media:
            sch = media["schema"]
    if sch is None:
        return None
    try:
        inst = json.loads(body)
    except ValueError as e:
        return "%s %s %s: body is not JSON: %s" % (method, tpl, status, e)
    warnings.simplefilter("ignore", DeprecationWarning)
    v = jsonschema.Draft202012Validator(
        sch, resolver=jsonschema.RefResolver("", doc))
    errs = sorted(v.iter_errors(inst), key=lambda e: list(e.path))
    if errs:
        e = errs[0]
        return "%s %s %s: body does not match its schema at /%s: %s" % (
            method, tpl, status, "/".join(map(str, e.path)), e.message[:300])
    return None


def main():
    if len(sys.argv) < 3:
        print("usage: validate.py API.yaml RECORDS...", file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        doc = yaml.safe_load(f)
    tpls = templates(doc)
    n = 0
    bad = collections.Counter()
    ops = set()
    for fn in sys.argv[2:]:
        with open(fn, "rb") as f:
            for line in f:
                if len(line) > MAX_RECORD:
                    bad["record over %d bytes" % MAX_RECORD] += 1
                    continue
                parts = line.decode().rstrip("\n").split("\t")
                if len(parts) != 5:
                    bad["malformed record"] += 1
                    continue
                parts[4] = base64.b64decode(parts[4]).decode("utf-8", "replace")
                n += 1
                ops.add((parts[0], parts[2], parts[1].split("?")[0]))
                msg = check(doc, tpls, parts)
                if msg:
                    bad[msg] += 1
    for m, c in sorted(bad.items()):
        print("MISMATCH (%dx): %s" % (c, m))
    print("contract: %d responses checked, %d mismatches, %d distinct method/status/path"
          % (n, sum(bad.values()), len(ops)))
    if n == 0:
        print("FAIL: no recorded response (was HN_API_RECORD set?)")
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
