#!/usr/bin/env python3
"""Logging STOMP TCP proxy.

Usage: stomp_proxy.py LISTEN_PORT UPSTREAM_HOST UPSTREAM_PORT OUTDIR

Every connection accepted on 127.0.0.1:LISTEN_PORT is forwarded to UPSTREAM.
Bytes are forwarded unchanged. Every STOMP frame (and every bare EOL heart-beat)
in either direction is appended, verbatim, to OUTDIR/<label>.frames where
<label> is the content of OUTDIR/LABEL at the moment the frame completes
(record.sh writes this file before each command). Raw byte streams are also
kept per connection in OUTDIR/raw/conn<N>.<c2b|b2c>.
"""
import os, socket, sys, threading, time, itertools

LISTEN, UHOST, UPORT, OUT = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
os.makedirs(os.path.join(OUT, "raw"), exist_ok=True)
lock = threading.Lock()
conn_ids = itertools.count(1)
seq = itertools.count(1)
names = {}  # conn id -> peer name guess (set by CONNECT/ first frames)


def label():
    try:
        with open(os.path.join(OUT, "LABEL")) as f:
            return f.read().strip() or "unlabelled"
    except FileNotFoundError:
        return "unlabelled"


def emit(cid, direction, frame):
    n = next(seq)
    t = time.strftime("%H:%M:%S", time.gmtime()) + ".%03d" % (int(time.time() * 1000) % 1000)
    with lock:
        with open(os.path.join(OUT, label() + ".frames"), "ab") as f:
            f.write(("=== FRAME %d conn=%d %s t=%s len=%d ===\n" % (n, cid, direction, t, len(frame))).encode())
            f.write(frame)
            f.write(b"\n=== END FRAME %d ===\n\n" % n)


class Parser:
    """Splits a STOMP byte stream into frames (honours content-length)."""
    def __init__(self, cid, direction):
        self.buf = b""
        self.cid, self.dir = cid, direction

    def feed(self, data):
        self.buf += data
        while True:
            if not self.buf:
                return
            if self.buf[:1] in (b"\n", b"\r"):
                # heart-beat EOL (or EOL padding after a NUL)
                i = 1 if self.buf[:1] == b"\n" else (2 if self.buf[:2] == b"\r\n" else 0)
                if i == 0:
                    return
                emit(self.cid, self.dir, b"<EOL heart-beat/padding %r>" % self.buf[:i])
                self.buf = self.buf[i:]
                continue
            hdr_end = self.buf.find(b"\n\n")
            if hdr_end < 0:
                return
            head = self.buf[:hdr_end]
            clen = None
            for line in head.split(b"\n")[1:]:
                if line.lower().startswith(b"content-length:"):
                    clen = int(line.split(b":", 1)[1].strip())
            body_start = hdr_end + 2
            if clen is not None:
                if len(self.buf) < body_start + clen + 1:
                    return
                end = body_start + clen  # NUL at end
            else:
                end = self.buf.find(b"\x00", body_start)
                if end < 0:
                    return
            frame = self.buf[:end + 1]  # include the NUL terminator
            self.buf = self.buf[end + 1:]
            emit(self.cid, self.dir, frame)


def pump(src, dst, cid, direction, raw):
    p = Parser(cid, direction)
    try:
        while True:
            d = src.recv(65536)
            if not d:
                break
            raw.write(d); raw.flush()
            p.feed(d)
            dst.sendall(d)
    except OSError:
        pass
    finally:
        emit(cid, direction, b"<CONNECTION CLOSED by %s side>" % (b"client" if direction == "c2b" else b"broker"))
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def handle(c):
    cid = next(conn_ids)
    u = socket.create_connection((UHOST, UPORT))
    r1 = open(os.path.join(OUT, "raw", "conn%d.c2b" % cid), "wb")
    r2 = open(os.path.join(OUT, "raw", "conn%d.b2c" % cid), "wb")
    emit(cid, "open", b"<NEW CONNECTION %d from %s:%d>" % (cid, c.getpeername()[0].encode(), c.getpeername()[1]))
    threading.Thread(target=pump, args=(c, u, cid, "c2b", r1), daemon=True).start()
    threading.Thread(target=pump, args=(u, c, cid, "b2c", r2), daemon=True).start()


s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", LISTEN))
s.listen(16)
print("listening", LISTEN, flush=True)
while True:
    c, _ = s.accept()
    handle(c)
