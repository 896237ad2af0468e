#!/usr/bin/python3
"""Test helper: a stand-in for journald's native socket.
   journal-listen.py SOCKET OUT [stall]
Binds an AF_UNIX datagram socket at SOCKET (as journald does at
/run/systemd/journal/socket), touches OUT.ready, and appends each datagram
it receives to OUT as one line (the protocol's newlines as spaces).
With "stall" it never reads and fills its own queue first (datagrams sent
to itself until the kernel says EAGAIN), as the machine's
processes fill a stopped (SIGSTOP) or busy journald's: a sender on a
blocking socket then waits in sendmsg() until it is read."""
import os
import signal
import socket
import sys

path, out = sys.argv[1], sys.argv[2]
stall = len(sys.argv) > 3 and sys.argv[3] == "stall"
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
try:
    os.unlink(path)
except FileNotFoundError:
    pass
# journald's own receive buffer (SO_RCVBUFFORCE, 8 MiB): the queue is
# bounded by its length then, not by bytes, as journald's is
s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
s.bind(path)
if stall:
    filler = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    filler.setsockopt(socket.SOL_SOCKET, 32, 8 << 20)  # SO_SNDBUFFORCE: its own buffer is not the bound
    n = 0
    try:
        while True:
            filler.sendto(b"MESSAGE=filler\n", socket.MSG_DONTWAIT, path)
            n += 1
    except BlockingIOError:
        pass
    with open(out + ".queued", "w") as f:
        f.write("%d\n" % n)
open(out + ".ready", "w").close()
if stall:
    while True:
        signal.pause()
with open(out, "ab", buffering=0) as f:
    while True:
        d = s.recv(1 << 20)
        f.write(d.replace(b"\n", b" ") + b"\n")
