#!/usr/bin/env python3
"""lifecycle.py URL CA TOKENS.json HN_BIN DIR: every legal and every illegal
transition of every kind, on both sides, through the node's API.

For each kind and side, the states reachable from the initial state are
walked (breadth first, with the transition table the node itself serves at
GET /v1/kinds: the rows a user takes). In each reachable state, one request
tries every state that is NOT a legal next state (409 illegal_transition, or
403 forbidden when that change belongs to the other State or to the
network; state unchanged), then a fresh request per legal next state takes
it (200, the new state, a new ledger index). Needs (supervisor, grounds,
reason) are met by the caller's role and body; a supervisor-only transition
is also tried by a duty officer (403); a release before the 60 days of
art. 42 is refused (409, art. 42). Incoming requests are registered with
`hanoinet request receive`."""
import http.client
import json
import sqlite3
import ssl
import subprocess
import sys
from collections import deque

url, ca, tokens_file, hn_bin, node_dir = sys.argv[1:6]
TOK = json.load(open(tokens_file))
host, port = url.replace("https://", "").split(":")
ctx = ssl.create_default_context(cafile=ca)
conn = http.client.HTTPSConnection(host, int(port), context=ctx, timeout=60)
KINDS_FILE = "/dev/null"


def call(method, path, body=None, role="duty_officer"):
    h = {"Authorization": "Bearer " + TOK[role]}
    data = None
    if body is not None:
        data = json.dumps(body)
        h["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=h)
    r = conn.getresponse()
    raw = r.read()
    return r.status, (json.loads(raw) if raw else None)


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


st, kinds = call("GET", "/v1/kinds")
assert st == 200
ALL = kinds["states"]
GROUND = kinds["grounds"][0]["code"]
sys.path.insert(0, sys.argv[0].rsplit("/", 1)[0])
json.dump(kinds, open(node_dir + "/kinds.json", "w"))


def mkdoc(kind, frm, to):
    out = subprocess.run([sys.executable, sys.argv[0].rsplit("/", 1)[0] + "/mkrequest.py",
                          node_dir + "/kinds.json", kind, frm, to],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def receive(doc):
    p = subprocess.run([hn_bin, "request", "receive", "--dir", node_dir, "-"],
                       input=json.dumps(doc), capture_output=True, text=True)
    if p.returncode != 0:
        fail("receive %s: %s" % (doc["kind"], p.stderr))
    return p.stdout.split()[1]


def preservation_for(side):
    """Art. 43: a disclosure names a preservation between the same two
    States that the requested State holds. Requested side: one received
    from FRA. Requesting side: one sent to FRA whose receipt came back
    (a single node gets no receipt: the state it reaches then, delivered,
    is written into the database, as node_requests.sh does for times)."""
    if side == "requested":
        return receive(mkdoc("preservation", "FRA", "VNM"))
    st, r = call("POST", "/v1/requests", mkdoc("preservation", "VNM", "FRA"))
    if st != 201:
        fail("create preservation: %s %s" % (st, r))
    pid = r["id"]
    st, r = call("POST", "/v1/requests/%s/transitions" % pid, {"to": "queued"})
    if st != 200:
        fail("queue preservation: %s %s" % (st, r))
    db = sqlite3.connect(node_dir + "/hanoinet.db", timeout=30)
    db.execute("UPDATE requests SET state = 'delivered' WHERE id = ?", (pid,))
    db.commit()
    db.close()
    return pid


def new_request(kind, side):
    doc = mkdoc(kind, "VNM", "FRA") if side == "requesting" else mkdoc(kind, "FRA", "VNM")
    if kind == "traffic_disclosure":
        doc["preservation_reference"] = preservation_for(side)
    if side == "requesting":
        st, r = call("POST", "/v1/requests", doc)
        if st != 201:
            fail("create %s: %s %s" % (kind, st, r))
        return r["id"]
    return receive(doc)


def ground_for(kind):
    """A ground open for KIND under the default basis (unccc) that needs no
    reservation of the requested party (core/grounds.c, "applies")."""
    for g in kinds["grounds"]:
        for a in g.get("applies", []):
            if a["basis"] == "unccc" and kind in a["kinds"] and not a["reservation"]:
                return g["code"]
    return GROUND


def body_for(t, kind):
    b = {"to": t["to"]}
    needs = t.get("needs", [])
    if "grounds" in needs:
        b["grounds"] = [ground_for(kind)]
    if "grounds" in needs or "reason" in needs:
        b["reason"] = "the test's reason"
    return b


def role_for(t):
    return "supervisor" if "supervisor" in t.get("needs", []) else "duty_officer"


def move(rid, t, kind):
    st, r = call("POST", "/v1/requests/%s/transitions" % rid, body_for(t, kind), role_for(t))
    if st != 200 or r["state"] != t["to"]:
        fail("%s -> %s: %s %s" % (t["from"], t["to"], st, r))
    return r


legal = illegal = 0
last_index = -1
for k in kinds["kinds"]:
    for side, initial in (("requesting", "draft"), ("requested", "received")):
        table = [t for t in k["transitions"]
                 if t["side"] == side and t.get("cause", "user") == "user"]
        nexts = {}
        for t in table:
            nexts.setdefault(t["from"], []).append(t)
        # shortest path to each reachable state
        path = {initial: []}
        q = deque([initial])
        while q:
            s = q.popleft()
            for t in nexts.get(s, []):
                if t["to"] not in path and "min_preservation" not in t.get("needs", []):
                    path[t["to"]] = path[s] + [t]
                    q.append(t["to"])
        for s, steps in path.items():
            rid = new_request(k["name"], side)
            for t in steps:
                move(rid, t, k["name"])
            # the view lists exactly the legal next states
            st, view = call("GET", "/v1/requests/" + rid)
            got = sorted(x["to"] for x in view["transitions"])
            want = sorted(t["to"] for t in nexts.get(s, []))
            if got != want:
                fail("%s %s in %s: view offers %s, table %s" % (k["name"], side, s, got, want))
            ok_to = {t["to"] for t in nexts.get(s, [])}
            for to in ALL:
                if to in ok_to:
                    continue
                st, r = call("POST", "/v1/requests/%s/transitions" % rid,
                             {"to": to, "reason": "r", "grounds": [GROUND]}, "supervisor")
                if (st, r["error"]) not in ((409, "illegal_transition"), (403, "forbidden")):
                    fail("%s %s %s -> %s accepted or odd: %s %s" % (k["name"], side, s, to, st, r))
                illegal += 1
            st, r = call("GET", "/v1/requests/" + rid)
            if r["state"] != s:
                fail("an illegal transition changed the state")
            for t in nexts.get(s, []):
                rid2 = new_request(k["name"], side)
                for u in steps:
                    move(rid2, u, k["name"])
                if "supervisor" in t.get("needs", []):
                    st, r = call("POST", "/v1/requests/%s/transitions" % rid2, body_for(t, k["name"]), "duty_officer")
                    if st != 403:
                        fail("%s -> %s without a supervisor: %s %s" % (s, t["to"], st, r))
                if "grounds" in t.get("needs", []) or "reason" in t.get("needs", []):
                    st, r = call("POST", "/v1/requests/%s/transitions" % rid2, {"to": t["to"]}, role_for(t))
                    if st != 400:
                        fail("%s -> %s without grounds/reason: %s %s" % (s, t["to"], st, r))
                if "min_preservation" in t.get("needs", []):
                    st, r = call("POST", "/v1/requests/%s/transitions" % rid2, body_for(t, k["name"]))
                    if st != 409 or r.get("article") != "42":
                        fail("%s -> %s before 60 days: %s %s" % (s, t["to"], st, r))
                    continue
                r = move(rid2, t, k["name"])
                if r["ledger_index"] <= last_index or r.get("from_state") != s:
                    fail("ledger index or from_state: %s" % r)
                last_index = r["ledger_index"]
                st, v = call("GET", "/v1/requests/" + rid2)
                h = v["history"]
                if h[-1]["to"] != t["to"] or h[-1]["ledger_index"] != r["ledger_index"]:
                    fail("history: %s" % h[-1])
                legal += 1
print("legal=%d illegal=%d" % (legal, illegal))
