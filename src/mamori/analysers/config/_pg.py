"""Parsers for PostgreSQL's ``postgresql.conf`` and ``pg_hba.conf``, with token positions.

Both parsers keep where every value sits in its line so fixers can edit it in place. They
raise ``ValueError`` naming the line for text PostgreSQL itself would refuse to load.

- ``postgresql.conf``: ``name = value`` or ``name value``; names are case-insensitive; values
  may be single-quoted (``''`` escapes a quote); ``#`` starts a comment; the *last* setting of
  a name wins; ``include``/``include_if_exists``/``include_dir`` pull in other files.
- ``pg_hba.conf``: whitespace-separated records, double quotes protect a token, a trailing
  ``\\`` continues a record (PostgreSQL 16+); records are tried in order, *first* match wins.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

__all__ = [
    "HBA_METHODS",
    "HbaRecord",
    "Include",
    "PgSetting",
    "Token",
    "parse_hba",
    "parse_pg_conf",
]

INCLUDE_KEYWORDS = frozenset({"include", "include_if_exists", "include_dir"})


@dataclass(frozen=True, slots=True)
class PgSetting:
    """One ``name = value`` line of postgresql.conf."""

    name: str
    """Parameter name, lower-cased."""
    value: str
    """The value with quotes removed."""
    line: int
    """1-based line number."""
    start: int
    """Column where the value token (with its quotes) starts."""
    end: int
    """Column just after the value token."""


@dataclass(frozen=True, slots=True)
class Include:
    """An include directive Mamori notes but does not follow."""

    keyword: str
    """``include``, ``include_if_exists`` or ``include_dir``."""
    target: str
    """The file or folder named."""
    line: int
    """1-based line number."""


_PG_LINE = re.compile(
    r"""^\s*(?P<name>[A-Za-z_][\w.$-]*)\s*(?:=\s*|\s+)
        (?P<value>'(?:[^'\\]|''|\\.)*'|[^\s#']+)\s*(?:\#.*)?$""",
    re.VERBOSE,
)


def _unquote(token: str) -> str:
    if len(token) >= 2 and token[0] == token[-1] == "'":
        return token[1:-1].replace("''", "'").replace("\\'", "'")
    return token


def parse_pg_conf(text: str) -> tuple[list[PgSetting], list[Include]]:
    """Settings and include directives of a postgresql.conf text, in file order."""
    settings: list[PgSetting] = []
    includes: list[Include] = []
    for no, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        m = _PG_LINE.match(raw)
        if m is None:
            raise ValueError(f"line {no}: not a 'name = value' setting (unbalanced quote?)")
        name, token = m["name"].lower(), m["value"]
        if name in INCLUDE_KEYWORDS:
            includes.append(Include(name, _unquote(token), no))
            continue
        start = m.start("value")
        settings.append(PgSetting(name, _unquote(token), no, start, start + len(token)))
    return settings, includes


# --- pg_hba.conf --------------------------------------------------------------------------

HBA_TYPES = frozenset({"local", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc"})
HBA_METHODS = frozenset(
    {"trust", "reject", "scram-sha-256", "md5", "password", "gss", "sspi", "ident", "peer",
     "ldap", "radius", "cert", "pam", "bsd"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Token:
    """One pg_hba token and where it is."""

    text: str
    """The token as written (quotes kept)."""
    line: int
    """1-based line it is on."""
    start: int
    """Start column."""
    end: int
    """Column just after it."""

    @property
    def value(self) -> str:
        """The token without surrounding double quotes."""
        t = self.text
        return t[1:-1] if len(t) >= 2 and t[0] == t[-1] == '"' else t


@dataclass(frozen=True, slots=True)
class HbaRecord:
    """One pg_hba.conf record."""

    type: Token
    """Connection type (``local``, ``host``, ``hostssl``…)."""
    database: Token
    """Database field."""
    user: Token
    """User field."""
    address: tuple[Token, ...]
    """Address (one token, or address + mask); empty for ``local``."""
    method: Token
    """Authentication method."""
    line: int
    """Line the record starts on."""

    @property
    def is_network(self) -> bool:
        """True for TCP/IP records (every type except ``local``)."""
        return self.type.value != "local"

    @property
    def address_text(self) -> str:
        """The address field(s) as one string."""
        return " ".join(t.value for t in self.address)

    def address_is_loopback(self) -> bool:
        """True when the address only covers this host."""
        return _network(self.address) in ("loopback", "self")

    def address_is_open(self) -> bool:
        """True when the address covers every IPv4 or IPv6 client."""
        return _network(self.address) == "open"


def _network(address: tuple[Token, ...]) -> str:
    if not address:
        return "self"
    text = address[0].value.lower()
    if text in ("all", "0.0.0.0/0", "::/0"):
        return "open"
    if text in ("localhost", "samehost"):
        return "loopback"
    try:
        if len(address) == 2:
            net = ipaddress.ip_network(f"{text}/{address[1].value}", strict=False)
        else:
            net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return "other"  # host names, samenet, .domain suffixes
    if net.prefixlen == 0:
        return "open"
    return "loopback" if net.is_loopback else "other"


_TOKEN = re.compile(r'(?:"[^"]*"|[^\s"#])+|#.*|"')


def _line_tokens(raw: str, no: int) -> tuple[list[Token], bool]:
    """Tokens of one physical line, and whether it continues on the next."""
    tokens: list[Token] = []
    for m in _TOKEN.finditer(raw):
        text = m.group()
        if text.startswith("#"):
            break
        if text == '"':
            raise ValueError(f"line {no}: unterminated double quote")
        tokens.append(Token(text, no, m.start(), m.end()))
    continued = bool(tokens) and tokens[-1].text == "\\"
    if continued:
        tokens.pop()
    return tokens, continued


def _looks_like_mask(token: Token) -> bool:
    try:
        ipaddress.ip_address(token.value)
    except ValueError:
        return False
    return True


def _record(tokens: list[Token]) -> HbaRecord:
    first = tokens[0]
    kind = first.value.lower()
    if kind not in HBA_TYPES:
        raise ValueError(f"line {first.line}: unknown connection type {first.value!r}")
    need = 4 if kind == "local" else 5
    if len(tokens) < need:
        raise ValueError(f"line {first.line}: {kind} record needs at least {need} fields")
    address: tuple[Token, ...] = ()
    rest = tokens[3:]
    if kind != "local":
        two = "/" not in rest[0].value and len(rest) > 2 and _looks_like_mask(rest[1])
        address, rest = (tuple(rest[:2]), rest[2:]) if two else ((rest[0],), rest[1:])
    method = rest[0]
    if method.value.lower() not in HBA_METHODS:
        raise ValueError(f"line {method.line}: invalid authentication method {method.value!r}")
    return HbaRecord(first, tokens[1], tokens[2], address, method, first.line)


def parse_hba(text: str) -> tuple[list[HbaRecord], list[Include]]:
    """Records and include directives of a pg_hba.conf text, in file order."""
    records: list[HbaRecord] = []
    includes: list[Include] = []
    pending: list[Token] = []
    for no, raw in enumerate(text.splitlines(), start=1):
        tokens, continued = _line_tokens(raw, no)
        pending.extend(tokens)
        if continued or not pending:
            continue
        if pending[0].value.lower() in INCLUDE_KEYWORDS:
            target = pending[1].value if len(pending) > 1 else ""
            includes.append(Include(pending[0].value.lower(), target, pending[0].line))
        else:
            records.append(_record(pending))
        pending = []
    if pending:
        raise ValueError(f"line {pending[0].line}: record continues past the end of the file")
    return records, includes
