"""A logging TCP listener and TCP packet tap, run inside a network namespace by ``netns.py``.

Usage: ``python netns_listener.py LOG ADDR IFACE [PORT...]`` (stdlib only, needs root for the
packet socket). It listens on ``ADDR:PORT`` for every PORT and appends one line per event:

* ``tcp <monotonic> <src> <dport> <flags>`` — every TCP packet that arrives for ADDR on IFACE,
  seen by a packet socket *below* the TCP stack, so SYNs to closed ports count too;
* ``accept <monotonic> <peer> <port>`` — every accepted connection (closed at once);
* ``ready`` — once the tap and every listening socket are in place.

It runs until killed.
"""

from __future__ import annotations

import selectors
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable

ETH_P_IP = 0x0800
ETH_HEADER = 14
PACKET_OUTGOING = 4


def _tap(sock: socket.socket, addr: str, record: Callable[[str], None]) -> None:
    own = socket.inet_aton(addr)
    while True:
        frame, meta = sock.recvfrom(65535)
        ip = frame[ETH_HEADER:]
        if meta[2] == PACKET_OUTGOING or len(ip) < 20 or ip[9] != socket.IPPROTO_TCP:
            continue
        if ip[16:20] != own:
            continue
        ihl = (ip[0] & 0x0F) * 4
        dport = struct.unpack_from("!H", ip, ihl + 2)[0]
        src = socket.inet_ntoa(ip[12:16])
        record(f"tcp {time.monotonic():.6f} {src} {dport} {ip[ihl + 13]}")


def main(log_path: str, addr: str, iface: str, ports: list[int]) -> None:
    with open(log_path, "a", buffering=1, encoding="ascii") as log:
        lock = threading.Lock()

        def record(line: str) -> None:
            with lock:
                log.write(line + "\n")

        _serve(addr, iface, ports, record)


def _serve(addr: str, iface: str, ports: list[int], record: Callable[[str], None]) -> None:
    tap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
    tap.bind((iface, ETH_P_IP))
    selector = selectors.DefaultSelector()
    for port in ports:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((addr, port))
        sock.listen(128)
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
    threading.Thread(target=_tap, args=(tap, addr, record), daemon=True).start()
    record("ready")
    while True:
        for key, _ in selector.select():
            server: socket.socket = key.fileobj  # type: ignore[assignment]
            try:
                conn, peer = server.accept()
            except OSError:
                continue
            record(f"accept {time.monotonic():.6f} {peer[0]} {server.getsockname()[1]}")
            conn.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], [int(p) for p in sys.argv[4:]])
