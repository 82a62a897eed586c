"""Just enough of MongoDB's wire protocol and BSON to ask two harmless questions.

``isMaster`` (via legacy OP_QUERY, which every server version answers before auth) tells that a
port is MongoDB; ``listDatabases`` with ``nameOnly`` (via OP_MSG) tells whether a client that
never authenticated may read metadata. Only the top-level ``ok`` field of a reply is decoded.
"""

from __future__ import annotations

import struct

_OP_REPLY, _OP_QUERY, _OP_MSG = 1, 2004, 2013


def _cstring(s: str) -> bytes:
    return s.encode() + b"\x00"


def encode(doc: dict[str, int | str | bool]) -> bytes:
    """BSON for a flat document of int32, string and bool values."""
    body = b""
    for key, value in doc.items():
        if isinstance(value, bool):
            body += b"\x08" + _cstring(key) + (b"\x01" if value else b"\x00")
        elif isinstance(value, int):
            body += b"\x10" + _cstring(key) + struct.pack("<i", value)
        else:
            raw = value.encode()
            body += b"\x02" + _cstring(key) + struct.pack("<i", len(raw) + 1) + raw + b"\x00"
    return struct.pack("<i", len(body) + 5) + body + b"\x00"


def _header(length: int, opcode: int, request_id: int = 1) -> bytes:
    return struct.pack("<iiii", 16 + length, request_id, 0, opcode)


def is_master_query() -> bytes:
    """An OP_QUERY ``{isMaster: 1}`` on ``admin.$cmd``."""
    body = struct.pack("<i", 0) + _cstring("admin.$cmd") + struct.pack("<ii", 0, -1)
    body += encode({"isMaster": 1})
    return _header(len(body), _OP_QUERY) + body


def list_databases_msg() -> bytes:
    """An OP_MSG ``{listDatabases: 1, nameOnly: true, $db: "admin"}``."""
    body = struct.pack("<I", 0) + b"\x00" + encode({"listDatabases": 1, "nameOnly": True,
                                                    "$db": "admin"})  # fmt: skip
    return _header(len(body), _OP_MSG, 2) + body


def looks_like_mongo_reply(data: bytes) -> bool:
    """Whether ``data`` starts with a well-formed OP_REPLY or OP_MSG header."""
    if len(data) < 16:
        return False
    length, _, _, opcode = struct.unpack_from("<iiii", data)
    return opcode in (_OP_REPLY, _OP_MSG) and 16 < length <= 48 * 1024 * 1024


def reply_ok(data: bytes) -> bool | None:
    """The top-level ``ok`` of the first document in a reply; None when unreadable."""
    if not looks_like_mongo_reply(data):
        return None
    opcode = struct.unpack_from("<i", data, 12)[0]
    start = 16 + 20 if opcode == _OP_REPLY else 16 + 5  # OP_REPLY fields / OP_MSG flags+kind
    try:
        return _top_level_ok(data[start:])
    except (ValueError, IndexError, struct.error):
        return None


def _top_level_ok(doc: bytes) -> bool | None:
    if len(doc) < 5:
        return None
    end = min(len(doc), struct.unpack_from("<i", doc)[0])
    pos = 4
    while pos < end - 1:
        kind = doc[pos]
        name_end = doc.index(b"\x00", pos + 1)
        name, pos = doc[pos + 1 : name_end].decode("latin-1"), name_end + 1
        if name == "ok":
            return _truthy(kind, doc, pos)
        size = _value_size(kind, doc, pos)
        if size is None:
            return None
        pos += size
    return None


def _truthy(kind: int, doc: bytes, pos: int) -> bool | None:
    formats = {0x01: "<d", 0x10: "<i", 0x12: "<q", 0x08: "<?"}
    if kind not in formats:
        return None
    return bool(struct.unpack_from(formats[kind], doc, pos)[0])


def _value_size(kind: int, doc: bytes, pos: int) -> int | None:
    fixed = {0x01: 8, 0x07: 12, 0x08: 1, 0x09: 8, 0x0A: 0, 0x10: 4, 0x11: 8, 0x12: 8, 0x13: 16}
    if kind in fixed:
        return fixed[kind]
    if kind in (0x02, 0x0D, 0x0E):
        return 4 + int(struct.unpack_from("<i", doc, pos)[0])
    if kind in (0x03, 0x04):
        return int(struct.unpack_from("<i", doc, pos)[0])
    if kind == 0x05:
        return 5 + int(struct.unpack_from("<i", doc, pos)[0])
    return None
