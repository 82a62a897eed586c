"""Transcript replays: loopback servers that answer with the recorded replies of servers no
Debian package provides (Elasticsearch/OpenSearch, MongoDB). They are NOT real servers.

A replay answers only the requests its transcript (a labelled file under ``examples/``) holds,
hangs up on anything else, and records every request it got in ``seen``, so a test can also
assert what the scanner sent. Where the real server behaves in a fixed way the transcript does
not hold, the replay does what the server's source does: mongod answers a connection whose
first bytes are ``GET `` with a fixed HTTP page, and hangs up on a TLS ClientHello when it has
no TLS configured.

Transcript formats (leading ``#`` lines are notes, one of them the ``# expect:`` manifest):

* ``.http``: the response head (one header per line; CRLF on the wire), a blank line, then the
  body exactly as sent; the body must be as long as its ``content-length`` says;
* ``.ejson``: a JSON object mapping a MongoDB command name to the reply document, in canonical
  Extended JSON (every number typed: ``$numberInt``, ``$numberLong``, ``$numberDouble``).
"""

from __future__ import annotations

import contextlib
import json
import socket
import socketserver
import ssl
import struct
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

_OP_REPLY, _OP_QUERY, _OP_MSG = 1, 2004, 2013
_MAX_MESSAGE = 48_000_000  # mongod's MaxMessageSizeBytes
_AWAIT_CAPABLE = 8  # OP_REPLY responseFlags mongod sets on every command reply
_MONGOD_PAGE = (
    b"It looks like you are trying to access MongoDB over HTTP on the native driver port.\r\n"
)
# mongod's sendHTTPResponse (src/mongo/transport/asio/asio_session_impl.cpp), then a hang-up.
MONGOD_HTTP_REPLY = (
    b"HTTP/1.0 200 OK\r\nConnection: close\r\nContent-Type: text/plain\r\n"
    b"Content-Length: %d\r\n\r\n%s" % (len(_MONGOD_PAGE), _MONGOD_PAGE)
)


def _notes_stripped(path: Path) -> str:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "".join(lines)


def http_response(path: Path) -> bytes:
    """The response recorded in the ``.http`` transcript ``path``, as bytes on the wire."""
    head, sep, body = _notes_stripped(path).partition("\n\n")
    raw = body.encode()
    lengths = [int(line.split(":", 1)[1]) for line in head.splitlines()
               if line.lower().startswith("content-length:")]  # fmt: skip
    if not sep or lengths != [len(raw)]:
        raise AssertionError(f"{path}: damaged transcript (content-length {lengths}, "
                             f"body {len(raw)} bytes)")  # fmt: skip
    return head.replace("\n", "\r\n").encode() + b"\r\n\r\n" + raw


def mongodb_replies(path: Path) -> dict[str, bytes]:
    """Command name → BSON reply document, from the ``.ejson`` transcript ``path``."""
    recorded: dict[str, Mapping[str, Any]] = json.loads(_notes_stripped(path))
    return {command: bson(reply) for command, reply in recorded.items()}


def bson(doc: Mapping[str, Any]) -> bytes:
    """BSON for ``doc``, given in canonical Extended JSON (only the types transcripts use)."""
    body = b"".join(_element(key, value) for key, value in doc.items())
    return struct.pack("<i", len(body) + 5) + body + b"\x00"


_NUMBERS = {"$numberInt": (0x10, "<i"), "$numberLong": (0x12, "<q"), "$numberDouble": (0x01, "<d")}


def _element(key: str, value: Any) -> bytes:
    name = key.encode() + b"\x00"
    if isinstance(value, bool):
        return b"\x08" + name + bytes([value])
    if isinstance(value, str):
        raw = value.encode() + b"\x00"
        return b"\x02" + name + struct.pack("<i", len(raw)) + raw
    if isinstance(value, list):
        return b"\x04" + name + bson({str(i): item for i, item in enumerate(value)})
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith("$"):
        return _wrapped(name, *next(iter(value.items())))
    if isinstance(value, dict):
        return b"\x03" + name + bson(value)
    raise TypeError(f"{key}: {value!r} is not canonical Extended JSON (type every number)")


def _wrapped(name: bytes, tag: str, inner: Any) -> bytes:
    if tag in _NUMBERS:
        kind, fmt = _NUMBERS[tag]
        number = float(inner) if fmt == "<d" else int(inner)
        return bytes([kind]) + name + struct.pack(fmt, number)
    if tag == "$oid" and len(bytes.fromhex(inner)) == 12:
        return b"\x07" + name + bytes.fromhex(inner)
    if tag == "$date":
        return b"\x09" + name + struct.pack("<q", int(inner["$numberLong"]))
    raise TypeError(f"unsupported Extended JSON value {tag}: {inner!r}")


class Replay(socketserver.ThreadingTCPServer):
    """A loopback server replaying one transcript (wrapped in ``tls`` when given)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        addr: str,
        port: int,
        handler: type[socketserver.BaseRequestHandler],
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.seen: list[str] = []
        self.errors: list[BaseException] = []
        self.tls = tls
        super().__init__((addr, port), handler)

    @property
    def port(self) -> int:
        """The TCP port it listens on."""
        port: int = self.server_address[1]
        return port

    def get_request(self) -> tuple[socket.socket, Any]:
        conn, peer = self.socket.accept()
        conn.settimeout(10)
        if self.tls:  # the handshake runs in the handler's thread, not the accept loop
            conn = self.tls.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
        return conn, peer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A bug in the replay, not a peer hanging up: kept and raised when the replay stops."""
        self.errors.append(sys.exc_info()[1] or RuntimeError("unknown error"))


class HttpReplay(Replay):
    """Answers ``GET /`` with the recorded response; hangs up on every other request."""

    def __init__(self, example: Path, addr: str, tls: ssl.SSLContext | None = None) -> None:
        self.response = http_response(example)
        super().__init__(addr, 0, _HttpHandler, tls)


class MongoReplay(Replay):
    """Answers recorded commands as mongod does; hangs up on any other."""

    def __init__(self, example: Path, addr: str, port: int = 0) -> None:
        self.replies = mongodb_replies(example)
        super().__init__(addr, port, _MongoHandler)


class _HttpHandler(socketserver.BaseRequestHandler):
    server: HttpReplay

    def handle(self) -> None:
        with contextlib.suppress(OSError):  # peers hanging up, TLS probes of a plain port
            if isinstance(self.request, ssl.SSLSocket):
                self.request.do_handshake()
            line = _recv_until(self.request, b"\r\n\r\n").split(b"\r\n", 1)[0]
            method, path, version = (line.decode("latin-1").split(" ") + ["", ""])[:3]
            if not version.startswith("HTTP/"):
                return
            self.server.seen.append(f"{method} {path}")
            if (method, path) == ("GET", "/"):  # the server echoes the request's version
                status = self.server.response.split(b" ", 1)[1]
                self.request.sendall(version.encode() + b" " + status)


class _MongoHandler(socketserver.BaseRequestHandler):
    server: MongoReplay

    def handle(self) -> None:
        with contextlib.suppress(OSError):
            while reply := self._answer(_recv_exactly(self.request, 16)):
                self.request.sendall(reply)

    def _answer(self, header: bytes) -> bytes:
        if header.startswith(b"GET "):
            self.server.seen.append("GET")
            self.request.sendall(MONGOD_HTTP_REPLY)
            return b""
        if len(header) < 16:
            return b""
        length, request_id, response_to, opcode = struct.unpack("<iiii", header)
        if response_to not in (0, -1) or not 16 < length <= _MAX_MESSAGE:
            return b""  # a TLS ClientHello or garbage: mongod without TLS hangs up
        command = _command(opcode, _recv_exactly(self.request, length - 16))
        op = {_OP_QUERY: "OP_QUERY", _OP_MSG: "OP_MSG"}.get(opcode, str(opcode))
        self.server.seen.append(f"{op} {command}")
        doc = self.server.replies.get(command)
        return _reply(opcode, request_id, doc) if doc else b""


def _command(opcode: int, body: bytes) -> str:
    """The command a request runs (the first key of its command document), or ""."""
    if opcode == _OP_QUERY:
        end = body.index(b"\x00", 4)
        if not body[4:end].endswith(b".$cmd"):
            return ""
        doc = body[end + 9 :]  # after the collection's NUL, numberToSkip and numberToReturn
    elif opcode == _OP_MSG and body[4:5] == b"\x00":
        doc = body[5:]
    else:
        return ""
    return doc[5 : doc.index(b"\x00", 5)].decode()


def _reply(opcode: int, request_id: int, doc: bytes) -> bytes:
    if opcode == _OP_QUERY:
        body, reply_op = struct.pack("<iqii", _AWAIT_CAPABLE, 0, 0, 1) + doc, _OP_REPLY
    else:
        body, reply_op = struct.pack("<I", 0) + b"\x00" + doc, _OP_MSG
    return struct.pack("<iiii", 16 + len(body), request_id + 1000, request_id, reply_op) + body


def _recv_exactly(conn: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n and (chunk := conn.recv(n - len(data))):
        data += chunk
    return data


def _recv_until(conn: socket.socket, end: bytes, limit: int = 8192) -> bytes:
    data = b""
    while end not in data and len(data) < limit and (chunk := conn.recv(4096)):
        data += chunk
    return data


@contextlib.contextmanager
def serving(server: Replay) -> Iterator[Replay]:
    """Serve until the block ends; then stop, and raise what went wrong inside the replay."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    if server.errors:
        raise AssertionError(f"the replay failed: {server.errors[0]!r}") from server.errors[0]
