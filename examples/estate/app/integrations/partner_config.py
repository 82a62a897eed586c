"""Routing settings for partner institutions (Zengin clearing codes, cut-off times, fees).

Operations uploads these as YAML from the back-office console; the bundled defaults ship
with the application.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import yaml

DEFAULTS = Path(__file__).with_name("partners.yaml")


@dataclass(frozen=True)
class Partner:
    code: str
    name: str
    cutoff: dt.time
    fee_formula: str


def _to_partners(doc: Any) -> dict[str, Partner]:
    partners = {}
    for code, item in (doc or {}).get("partners", {}).items():
        partners[str(code)] = Partner(
            code=str(code),
            name=str(item["name"]),
            cutoff=dt.time.fromisoformat(str(item.get("cutoff", "15:00"))),
            fee_formula=str(item.get("fee_formula", "")),
        )
    return partners


def load_defaults(path: Path = DEFAULTS) -> dict[str, Partner]:
    """The partner table bundled with the release."""
    with path.open(encoding="utf-8") as fh:
        return _to_partners(yaml.safe_load(fh))


def load_uploaded(stream: IO[bytes]) -> dict[str, Partner]:
    """A partner table uploaded by operations (replaces the defaults until next release)."""
    return _to_partners(yaml.load(stream, Loader=yaml.Loader))
