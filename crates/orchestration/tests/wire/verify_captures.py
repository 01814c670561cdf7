#!/usr/bin/env python3
"""Checks the captures: parses every STOMP frame in captures/*.frames, and for
every SEND/MESSAGE carrying an MCollective ssl-plugin YAML envelope verifies
 - :hash is base64 (Ruby Base64.encode64: 60 chars per line, each line ends "\n")
 - :hash is the RSA PKCS#1 v1.5 SHA-1 signature of the exact bytes of :body
   (requests: signed by the client key alice; replies: by the server key,
   or the rogue key in the 5x captures), and that re-signing with the private
   key reproduces it byte for byte (PKCS#1 v1.5 is deterministic).
Needs python3 + PyYAML + cryptography."""
import base64, glob, os, re, sys
import yaml
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

HERE = os.path.dirname(os.path.abspath(__file__))
CAP = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "captures")
K = lambda n: open(os.path.join(CAP, "keys", n), "rb").read()
priv = {n: serialization.load_pem_private_key(K(n + "-private.pem"), None) for n in ("alice", "server", "rogue")}

FRAME_RE = re.compile(rb"=== FRAME (\d+) conn=(\d+) (\w+) t=\S+ len=(\d+) ===\n")


def frames(path):
    data = open(path, "rb").read()
    pos = 0
    while True:
        m = FRAME_RE.search(data, pos)
        if not m:
            return
        n = int(m.group(4))
        body = data[m.end():m.end() + n]
        yield int(m.group(1)), int(m.group(2)), m.group(3).decode(), body
        pos = m.end() + n


def parse_stomp(raw):
    assert raw.endswith(b"\x00"), raw[-20:]
    head, _, body = raw[:-1].partition(b"\n\n")
    lines = head.split(b"\n")
    hdrs = dict(l.split(b":", 1) for l in lines[1:])
    return lines[0].decode(), {k.decode(): v.decode() for k, v in hdrs.items()}, body


ok = bad = 0
for path in sorted(glob.glob(os.path.join(CAP, "*.frames"))):
    name = os.path.basename(path)
    for num, conn, direction, raw in frames(path):
        if raw.startswith(b"<"):
            continue
        cmd, hdrs, body = parse_stomp(raw)
        if "content-length" in hdrs:
            assert int(hdrs["content-length"]) == len(body), (name, num)
        if cmd not in ("SEND", "MESSAGE") or not body.startswith(b"---"):
            continue
        env = yaml.safe_load(body)
        h = env[":hash"]
        sig = base64.b64decode(h)
        lines = h.split("\n")
        assert h.endswith("\n") and all(len(l) == 60 for l in lines[:-2]) and 0 < len(lines[-2]) <= 60, (name, num)
        signed = env[":body"].encode()
        is_req = ":callerid" in env
        cands = (["rogue"] if name.startswith("44-") else ["alice"]) if is_req else (["rogue"] if name.startswith("5") else ["server"])
        for kn in cands:
            try:
                priv[kn].public_key().verify(sig, signed, padding.PKCS1v15(), hashes.SHA1())
                b = base64.b64encode(priv[kn].sign(signed, padding.PKCS1v15(), hashes.SHA1())).decode()
                resign = "".join(b[i:i + 60] + "\n" for i in range(0, len(b), 60))  # Ruby Base64.encode64
                assert resign == h, "re-signature differs"
                ok += 1
                break
            except Exception as e:
                print("FAIL", name, num, cmd, kn, e)
                bad += 1
        inner = yaml.safe_load(env[":body"])
        if is_req:
            assert set(inner) == {":ssl_msg", ":ssl_ttl", ":ssl_msgtime"}, inner
            assert name.startswith("43-") or inner[":ssl_msgtime"] == env[":msgtime"]
            assert inner[":ssl_ttl"] == env[":ttl"]
print("verified signatures:", ok, "failures:", bad)
sys.exit(1 if bad else 0)
