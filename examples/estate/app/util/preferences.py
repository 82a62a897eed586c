"""Display preferences kept in a cookie (language, default account, dashboard layout).

Version 1 cookies were pickled by the 2018 web front end; version 2 cookies are JSON.
Both are still accepted until the old cookies expire.
"""

from __future__ import annotations

import base64
import binascii
import json
import pickle
from dataclasses import asdict, dataclass

COOKIE_NAME = "hisui_prefs"


@dataclass(frozen=True)
class Preferences:
    language: str = "ja"
    default_account: int | None = None
    compact: bool = False


def _from_dict(data: object) -> Preferences:
    if not isinstance(data, dict):
        return Preferences()
    language = data.get("language") if data.get("language") in ("ja", "en") else "ja"
    account = data.get("default_account")
    return Preferences(
        language=str(language),
        default_account=account if isinstance(account, int) else None,
        compact=bool(data.get("compact", False)),
    )


def load_v1(cookie: str) -> Preferences:
    """Decode a version 1 (pickled) preferences cookie."""
    raw = base64.urlsafe_b64decode(cookie.encode("ascii"))
    return _from_dict(pickle.loads(raw))


def load_v2(cookie: str) -> Preferences:
    """Decode a version 2 (JSON) preferences cookie."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cookie.encode("ascii")))
    except (binascii.Error, ValueError):
        return Preferences()
    return _from_dict(data)


def load_preferences(cookie: str | None) -> Preferences:
    """Preferences from the cookie value, whichever version it is."""
    if not cookie:
        return Preferences()
    version, _, body = cookie.partition(".")
    return load_v1(body) if version == "1" else load_v2(body)


def dump_preferences(prefs: Preferences) -> str:
    """The version 2 cookie value for ``prefs``."""
    body = base64.urlsafe_b64encode(json.dumps(asdict(prefs)).encode("utf-8")).decode("ascii")
    return f"2.{body}"
