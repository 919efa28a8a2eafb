#!/usr/bin/env python3
"""mkrequest.py KINDS_JSON KIND FROM TO [key=value ...]: a minimal valid
request document for KIND built from the node's own GET /v1/kinds table
(every required field filled by type), printed as JSON."""
import json
import sys


def value(f):
    t = f["type"]
    if t == "text":
        return "%s of the test" % f["name"]
    if t == "party":
        return "FRA"
    if t in ("bool", "true"):
        return True
    if t == "kind":
        return None
    if t in ("basis", "legal_basis"):
        return "unccc"
    if t == "time":
        return "2030-01-01T00:00:00Z"
    if t in ("items", "list"):
        return [{g["name"]: value(g) for g in f.get("items", []) if g.get("required")}]
    raise SystemExit("unknown field type %s" % t)


kinds = json.load(open(sys.argv[1]))
kind, frm, to = sys.argv[2], sys.argv[3], sys.argv[4]
k = next(k for k in kinds["kinds"] if k["name"] == kind)
doc = {}
for f in k["fields"]:
    if f.get("required"):
        doc[f["name"]] = value(f)
for group in k.get("one_of", []):
    if not any(g in doc for g in group):
        doc[group[0]] = "%s of the test" % group[0]
doc.update({"kind": kind, "from": frm, "to": to})
for kv in sys.argv[5:]:
    key, v = kv.split("=", 1)
    doc[key] = json.loads(v) if v[:1] in "[{\"" or v in ("true", "false") else v
print(json.dumps(doc))
