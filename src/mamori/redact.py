"""Secret redaction for every string Mamori shows, stores or logs.

Analysers quote source lines as evidence, and source lines are where secrets live. Two tools
keep them out of Mamori's outputs:

* :func:`redact_value` removes one *known* value (an analyser found it, so it knows it);
* :func:`redact_known_patterns` masks well-known secret *shapes* in any text (cloud keys,
  private-key blocks, ``password = "..."`` assignments, ``user:password@`` in URLs, bearer
  tokens), for evidence whose secrets no analyser has pointed at.

Redaction is conservative: masking a harmless value costs a little readability, leaking a
secret costs a rotation. Every masked value becomes ``[REDACTED:<label>]``.
"""

from __future__ import annotations

import re

__all__ = [
    "marker",
    "redact_known_patterns",
    "redact_string_literals",
    "redact_token",
    "redact_value",
    "token_spans",
    "truncate",
]

_MAX_PASSES = 8


def marker(label: str) -> str:
    """The text that replaces a secret labelled ``label`` (``[REDACTED:aws-access-key]``)."""
    return f"[REDACTED:{label}]" if label else "[REDACTED]"


def redact_value(text: str, secret: str, label: str = "secret") -> str:
    """``text`` with every occurrence of ``secret`` replaced by :func:`marker` of ``label``.

    The result never contains ``secret``: if the marker itself would contain it (a secret like
    ``"RED"``), or replacing creates a new occurrence across a marker's edge, a plainer
    replacement is used, down to deleting the value outright.
    """
    if not secret or secret not in text:
        return text
    for replacement in (marker(label), marker(""), "***"):
        if secret in replacement:
            continue
        out = text
        for _ in range(_MAX_PASSES):
            out = out.replace(secret, replacement)
            if secret not in out:
                return out
    out = text
    while secret in out:  # each pass shortens the text, so this ends
        out = out.replace(secret, "")
    return out


_TOKEN_STOPS = frozenset(" \t\r\n\"'`,;=:()[]{}<>")


def token_spans(text: str, secret: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans of the whole tokens of ``text`` that contain ``secret``.

    A token runs to the nearest space, quote, bracket or ``,;=:``. Spans are sorted and do
    not overlap; the scan is linear in ``len(text)``.
    """
    spans: list[tuple[int, int]] = []
    if not secret:
        return spans
    pos = 0
    for found in re.finditer(re.escape(secret), text):
        if found.start() < pos:  # inside a token already covered
            continue
        start, end = found.start(), found.end()
        while start > pos and text[start - 1] not in _TOKEN_STOPS:
            start -= 1
        while end < len(text) and text[end] not in _TOKEN_STOPS:
            end += 1
        spans.append((start, end))
        pos = end
    return spans


def redact_token(text: str, secret: str, label: str = "secret") -> str:
    """Like :func:`redact_value`, but masks the whole token around each occurrence.

    Use it when the value a detector reports may be only part of the credential
    (detect-secrets reports ``ghp`` for a whole ``ghp_…`` GitHub token), so the rest of it
    cannot survive next to the marker.
    """
    parts: list[str] = []
    pos = 0
    for start, end in token_spans(text, secret):
        parts += [text[pos:start], marker(label)]
        pos = end
    parts.append(text[pos:])
    return redact_value("".join(parts), secret, label)


# --- shapes of secrets ---------------------------------------------------------------------

_KEYWORDS = (
    r"pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|"
    r"private[_-]?key|client[_-]?secret|auth(?:_?token)?|credentials?|session[_-]?key"
)
_ASSIGNMENT = re.compile(
    rf"""(?P<key>[\w.-]{{0,40}}(?:{_KEYWORDS})[\w.-]{{0,40}}["']?[ \t]{{0,8}})
         (?P<op>==|!=|:=|=>|=|:)
         (?P<space>[ \t]{{0,8}})
         (?P<value>"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|[^\s,;'"(){{}}\[\]]+)""",
    re.IGNORECASE | re.VERBOSE,
)
_PRIVATE_KEY = re.compile(
    r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----.*?"
    r"(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
    re.DOTALL,
)
_URL_CREDENTIALS = re.compile(
    r"(?P<head>\b[a-z][a-z0-9+.-]{0,20}://[^:/@\s]{0,256}):(?P<password>[^\s@]{1,256})@",
    re.IGNORECASE,
)
_AUTH_HEADER = re.compile(
    r"(?P<head>\b(?:bearer|basic|token)[ \t]+)(?P<token>[A-Za-z0-9\-._~+/]{8,}=*)", re.IGNORECASE
)
_TOKENS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b"), "aws-access-key"),
    (re.compile(r"\beyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]*"), "json-web-token"),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b"), "github-token"),
    (re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}"), "gitlab-token"),
    (re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"), "slack-token"),
    (re.compile(r"\b[rsp]k_(?:live|test)_[A-Za-z0-9]{16,}\b"), "stripe-access-key"),
)

_MARKER = re.compile(r"\[REDACTED(?::[\w.-]*)?\]")
_AUTH_SCHEMES = frozenset({"bearer", "basic", "token", "digest"})


def _mask_assignment(m: re.Match[str]) -> str:
    value = m.group("value")
    if value.lower() in _AUTH_SCHEMES:  # "Authorization: Bearer …": the token is masked apart
        return m.group(0)
    if _MARKER.fullmatch(value.strip("\"'")):  # already masked, keep its more precise label
        return m.group(0)
    quote = value[0] if value[:1] in {'"', "'"} else ""
    closing = quote if quote and len(value) > 1 and value.endswith(quote) else ""
    return f"{m.group('key')}{m.group('op')}{m.group('space')}{quote}{marker('password')}{closing}"


def redact_known_patterns(text: str) -> str:
    """``text`` with well-known secret shapes masked; everything else left as it was.

    Covers private-key blocks (to their END line, or to the end of ``text`` when it is cut),
    AWS key ids, JWTs, GitHub/GitLab/Slack/Stripe tokens, ``user:password@`` in URLs,
    ``Bearer``/``Basic``/``token`` credentials, and values assigned to names that say they
    hold a secret (``password = "…"``, ``"api_key": "…"``, ``SECRET=…``, ``pwd == "…"``).
    """
    out = _PRIVATE_KEY.sub(marker("private-key"), text)
    for pattern, label in _TOKENS:  # labels are plain words: no backslash escapes to expand
        out = pattern.sub(marker(label), out)
    out = _URL_CREDENTIALS.sub(rf"\g<head>:{marker('password')}@", out)
    out = _ASSIGNMENT.sub(_mask_assignment, out)
    return _AUTH_HEADER.sub(rf"\g<head>{marker('token')}", out)


_STRING_LITERAL = re.compile(
    r"""(?P<triple>'''|\"\"\")(?:\\.|[^\\])*?(?:(?P=triple)|\Z)
      | (?P<quote>['"])(?:\\.|\\$|(?!(?P=quote))[^\\\n])*(?:(?P=quote)|$)""",
    re.VERBOSE | re.MULTILINE | re.DOTALL,
)


def redact_string_literals(text: str, label: str = "password") -> str:
    """``text`` (source code) with the body of every string literal masked.

    Used where a finding says a literal *is* a credential (Bandit's hard-coded password
    checks). A literal left open is masked to the end of its line (to the end of ``text``
    for triple quotes), so a cut snippet cannot leak the rest of a value.
    """

    def mask(m: re.Match[str]) -> str:
        quote = m.group("triple") or m.group("quote")
        body = m.group(0)[len(quote) :]
        closed = len(body) >= len(quote) and body.endswith(quote)
        return f"{quote}{marker(label)}{quote if closed else ''}"

    return _STRING_LITERAL.sub(mask, text)


def truncate(text: str, limit: int = 200) -> str:
    """``text`` cut to at most ``limit`` characters, marking the cut with ``…``.

    Redact *before* truncating: a cut can split a secret so that no pattern recognises it.
    """
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)] + "…"
