#!/usr/bin/env python3
"""Hand-builds an MCollective ssl/yaml discovery "ping" request (the bytes a
Rust client must produce), publishes it over STOMP 1.0, and prints any reply.

Usage: craft_request.py PORT KEYDIR MODE
 MODE ok            - well-formed request (expects a signed "pong" reply)
      tamper-msgtime - outer :msgtime differs from the signed :ssl_msgtime
      bad-sig        - :hash signed with the rogue key instead of alice's
      old            - msgtime 120 s in the past (TTL 60)
"""
import base64, os, socket, sys, time, uuid
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

port, keydir, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
key = serialization.load_pem_private_key(open(os.path.join(keydir, ("rogue" if mode == "bad-sig" else "alice") + "-private.pem"), "rb").read(), None)

def ruby_b64(b):  # Ruby Base64.encode64: 60 chars per line, each line "\n"-terminated
    s = base64.b64encode(b).decode()
    return "".join(s[i:i + 60] + "\n" for i in range(0, len(s), 60))

def yaml_block(s, indent="  "):  # Psych literal block scalar "|" for a string ending in "\n"
    return "|\n" + "".join(indent + l + "\n" for l in s.rstrip("\n").split("\n"))

now = int(time.time()) - (120 if mode == "old" else 0)
inner = "---\n:ssl_msg: ping\n:ssl_ttl: 60\n:ssl_msgtime: %d\n" % now
sig = ruby_b64(key.sign(inner.encode(), padding.PKCS1v15(), hashes.SHA1()))
reqid = uuid.uuid4().hex
outer = ("---\n:body: " + yaml_block(inner) +
         ":senderid: client1\n:requestid: %s\n" % reqid +
         ":filter:\n  fact: []\n  cf_class: []\n  agent: []\n  identity: []\n  compound: []\n"
         ":collective: mcollective\n:agent: discovery\n:callerid: cert=alice\n:ttl: 60\n"
         ":msgtime: %d\n" % (now + 5 if mode == "tamper-msgtime" else now) +
         ":hash: " + yaml_block(sig))
body = outer.encode()

s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"CONNECT\naccept-version:1.0\nhost:/\nlogin:guest\npasscode:guest\n\n\x00")
hdr = ("SEND\ndestination:/exchange/mcollective_broadcast/discovery\nreply-to:/temp-queue/mcollective_reply_discovery\n"
       "expiration:70000\nmc_sender:client1\ncontent-length:%d\ncontent-type:text/plain; charset=UTF-8\n\n" % len(body))
time.sleep(0.3)
s.sendall(hdr.encode() + body + b"\x00")
s.settimeout(3)
buf = b""
try:
    while True:
        d = s.recv(65536)
        if not d:
            break
        buf += d
except socket.timeout:
    pass
s.sendall(b"DISCONNECT\n\n\x00")
s.close()
msgs = [f for f in buf.split(b"\x00") if f.strip().startswith(b"MESSAGE")]
print("mode=%s requestid=%s replies=%d" % (mode, reqid, len(msgs)))
for m in msgs:
    print(m.strip().decode())
