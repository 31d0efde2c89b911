#!/usr/bin/env python3
"""Opens N keep-alive connections, sends one GET /plaintext on each, waits for every response,
then holds the connections idle until told to stop. Used by the idle-connection scenarios.

  idle_client.py HOST PORT COUNT SOURCES [DEADLINE_S]

SOURCES is a comma-separated list of local (source) addresses, e.g. 127.0.0.2,127.0.0.3: each
(source, destination) pair gives ~28k ephemeral ports, so more than one is needed past that.
Prints one JSON line when every connection has its response (or the deadline passed), then
reads commands from stdin: "check" prints how many connections the server still keeps open,
"close" (or end of input) closes everything and exits. Bounded: exits after DEADLINE_S x 4.
"""

import json
import os
import re
import resource
import selectors
import socket
import sys
import time

IP_BIND_ADDRESS_NO_PORT = 24  # Linux: pick the port at connect(), per destination
REQUEST = b"GET /plaintext HTTP/1.1\r\nHost: bench\r\n\r\n"
MAX_IN_FLIGHT = 128           # connects not yet answered: stays under every server's accept backlog
PER_SOURCE = int(os.environ.get("IDLE_PER_SOURCE", "25000"))  # below the 28,232 ports of the default ephemeral range


def main():
    host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    sources = [s for s in sys.argv[4].split(",") if s] if len(sys.argv) > 4 else []
    deadline_s = float(sys.argv[5]) if len(sys.argv) > 5 else 120.0
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    family = socket.AF_INET6 if ":" in host else socket.AF_INET

    sel = selectors.DefaultSelector()
    held, failed, started, in_flight = [], 0, 0, 0
    bufs = {}
    t0 = time.monotonic()
    deadline = t0 + deadline_s
    while len(held) + failed < count and time.monotonic() < deadline:
        while in_flight < MAX_IN_FLIGHT and started < count:
            s = socket.socket(family, socket.SOCK_STREAM)
            s.setblocking(False)
            if sources:
                s.setsockopt(socket.SOL_IP, IP_BIND_ADDRESS_NO_PORT, 1)
                s.bind((sources[(started // PER_SOURCE) % len(sources)], 0))
            err = s.connect_ex((host, port))
            started += 1
            if err not in (0, 115):  # EINPROGRESS
                s.close()
                failed += 1
                continue
            in_flight += 1
            sel.register(s, selectors.EVENT_WRITE, "connect")
        for key, _ in sel.select(timeout=0.5):
            s = key.fileobj
            try:
                if key.data == "connect":
                    if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) != 0:
                        raise OSError("connect failed")
                    s.send(REQUEST)
                    bufs[s] = b""
                    sel.modify(s, selectors.EVENT_READ, "read")
                else:
                    data = s.recv(4096)
                    if not data:
                        raise OSError("closed")
                    buf = bufs[s] + data
                    bufs[s] = buf
                    head, sep, body = buf.partition(b"\r\n\r\n")
                    if sep:
                        m = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
                        if m and len(body) >= int(m.group(1)):
                            sel.unregister(s)
                            del bufs[s]
                            held.append(s)
                            in_flight -= 1
            except OSError:
                sel.unregister(s)
                bufs.pop(s, None)
                s.close()
                failed += 1
                in_flight -= 1
    print(json.dumps({"open": len(held), "failed": failed, "requested": count,
                      "seconds": round(time.monotonic() - t0, 3)}), flush=True)

    hold_deadline = t0 + deadline_s * 4
    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "check":
            print(json.dumps({"open": count_open(held)}), flush=True)
        elif cmd == "close" or time.monotonic() > hold_deadline:
            break
    for s in held:
        s.close()


def count_open(held):
    """Connections the server has not closed: not readable (no EOF, no data) right now."""
    sel = selectors.DefaultSelector()
    for s in held:
        sel.register(s, selectors.EVENT_READ)
    closed = len(sel.select(timeout=0))
    sel.close()
    return len(held) - closed


if __name__ == "__main__":
    main()
