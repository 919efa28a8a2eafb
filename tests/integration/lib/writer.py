#!/usr/bin/env python3
"""writer.py URL CA TOKEN DOC_FILE OUT SECONDS: POSTs the request document
in a loop over one keep-alive connection and appends the id of every
acknowledged (201) request to OUT, until SECONDS pass or the node goes away.
Bounded in time; exits 0 either way."""
import http.client
import json
import ssl
import sys
import time

url, ca, token, doc_file, out, seconds = sys.argv[1:7]
host, port = url.replace("https://", "").split(":")
doc = open(doc_file).read()
end = time.time() + float(seconds)
ctx = ssl.create_default_context(cafile=ca)
with open(out, "a") as f:
    conn = None
    while time.time() < end:
        try:
            if conn is None:
                conn = http.client.HTTPSConnection(host, int(port), context=ctx, timeout=10)
            conn.request("POST", "/v1/requests", body=doc, headers={
                "Authorization": "Bearer " + token, "Content-Type": "application/json"})
            r = conn.getresponse()
            body = r.read()
            if r.status == 201:
                f.write(json.loads(body)["id"] + "\n")
                f.flush()
        except Exception:
            break  # the node was killed: stop
