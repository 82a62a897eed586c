"""What Mamori may touch: the scope file.

A scope file is YAML, validated at load time::

    version: 1
    paths:                      # relative paths are relative to the scope file's folder
      allow: [src, config]
      deny: ["src/vendor"]
    networks:
      cidrs: ["10.20.0.0/24"]
      deny_cidrs: ["10.20.0.1/32"]
      ports: [22, 443, "8000-8100"]
    windows:                    # when scans may run; empty means any time
      - days: [mon, tue, wed, thu, fri]
        start: "09:00"
        end: "18:00"
        timezone: Asia/Tokyo

Every target is authorised *before* anything touches it; a refusal raises
:class:`~mamori.errors.ScopeError` naming the target and the rule that refused it.
Without a scope file, the paths named on the command line are the scope (the operator
authorised them by naming them); network targets always need a scope file.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mamori.errors import ConfigError, ScopeError

__all__ = ["Scope", "ScopeError", "TimeWindow", "parse_window_spec"]

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class _Paths(BaseModel):
    model_config = ConfigDict(extra="forbid")
    allow: list[str] = Field(default_factory=list)
    deny: list[str] = Field(default_factory=list)


class _Networks(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cidrs: list[str] = Field(default_factory=list)
    deny_cidrs: list[str] = Field(default_factory=list)
    ports: list[Annotated[int | str, Field(union_mode="left_to_right")]] = Field(
        default_factory=list
    )


class _Window(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: list[str] = Field(default_factory=lambda: list(_DAYS))
    start: str = "00:00"
    end: str = "24:00"
    timezone: str = "UTC"

    @field_validator("days")
    @classmethod
    def _known_days(cls, v: list[str]) -> list[str]:
        bad = [d for d in v if d.lower()[:3] not in _DAYS]
        if bad:
            raise ValueError(f"unknown day(s) {bad}; use mon..sun")
        return [d.lower()[:3] for d in v]


class _Asset(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str
    asset_class: str = Field(alias="class")
    hosts: list[str] = Field(default_factory=list)

    @field_validator("hosts")
    @classmethod
    def _addresses(cls, v: list[str]) -> list[str]:
        return [str(ipaddress.ip_address(h)) for h in v]


class _ScopeFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = 1
    assets: list[_Asset] = Field(default_factory=list)
    paths: _Paths = Field(default_factory=_Paths)
    networks: _Networks = Field(default_factory=_Networks)
    windows: list[_Window] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """A weekly window during which scanning is allowed."""

    days: frozenset[int]
    """Weekdays (0 = Monday) the window is open."""
    start: dt.time
    """Opening time, local to ``timezone``."""
    end_minutes: int
    """Closing time as minutes after midnight (1440 = end of day)."""
    timezone: str
    """IANA time-zone name."""

    def contains(self, moment: dt.datetime) -> bool:
        """Whether the aware datetime ``moment`` falls inside the window."""
        local = moment.astimezone(zoneinfo.ZoneInfo(self.timezone))
        minutes = local.hour * 60 + local.minute
        start = self.start.hour * 60 + self.start.minute
        return local.weekday() in self.days and start <= minutes < self.end_minutes


@dataclass(frozen=True, slots=True)
class Scope:
    """The authorised scope: allowed paths, networks, ports and time windows."""

    allow_paths: tuple[Path, ...]
    """Resolved folders/files that may be read."""
    deny_paths: tuple[Path, ...] = ()
    """Resolved folders/files that must not be read even inside an allowed path."""
    cidrs: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    """Networks whose hosts may be probed."""
    deny_cidrs: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    """Networks that must never be probed, even inside an allowed CIDR."""
    ports: frozenset[int] = frozenset()
    """Ports that may be probed (empty: none)."""
    windows: tuple[TimeWindow, ...] = ()
    """When scanning may happen (empty: any time)."""
    source: str = "command line"
    """Where this scope came from (a file path, or the command line)."""
    assets: tuple[tuple[Path, str], ...] = ()
    """(path, asset class) pairs; the longest matching path gives a file's asset class."""
    deployed: tuple[tuple[Path, frozenset[str]], ...] = ()
    """(config path, host addresses) pairs: the file configures the service on those hosts, so
    the config audit and the live probe of a host are evidence about the same thing."""

    # --- construction ------------------------------------------------------------------

    @classmethod
    def for_paths(cls, paths: Sequence[str | Path]) -> Scope:
        """The implicit scope of paths named on the command line."""
        return cls(allow_paths=tuple(Path(p).resolve() for p in paths))

    @classmethod
    def load(cls, path: str | Path) -> Scope:
        """Load and validate a scope file; raise ConfigError saying what is wrong and where."""
        path = Path(path)
        try:
            raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as e:
            raise ConfigError(f"cannot read scope file {path}: {e.strerror}") from e
        except (yaml.YAMLError, UnicodeDecodeError) as e:
            raise ConfigError(f"scope file {path} is not valid YAML: {e}") from e
        if not isinstance(raw, dict):
            raise ConfigError(f"scope file {path} must be a YAML mapping", hint=_HINT)
        try:
            parsed = _ScopeFile.model_validate(raw)
        except ValidationError as e:
            raise ConfigError(f"scope file {path} is invalid:\n{e}", hint=_HINT) from e
        return cls._from_parsed(parsed, path)

    @classmethod
    def _from_parsed(cls, f: _ScopeFile, path: Path) -> Scope:
        base = path.resolve().parent
        where = str(path)
        try:
            return cls(
                allow_paths=tuple((base / p).resolve() for p in f.paths.allow),
                deny_paths=tuple((base / p).resolve() for p in f.paths.deny),
                cidrs=tuple(ipaddress.ip_network(c, strict=False) for c in f.networks.cidrs),
                deny_cidrs=tuple(
                    ipaddress.ip_network(c, strict=False) for c in f.networks.deny_cidrs
                ),
                ports=_parse_ports(f.networks.ports),
                windows=tuple(_parse_window(w) for w in f.windows),
                source=where,
                assets=tuple(((base / a.path).resolve(), a.asset_class) for a in f.assets),
                deployed=tuple(
                    ((base / a.path).resolve(), frozenset(a.hosts)) for a in f.assets if a.hosts
                ),
            )
        except ValueError as e:
            raise ConfigError(f"scope file {path} is invalid: {e}", hint=_HINT) from e

    # --- decisions ---------------------------------------------------------------------

    def path_rule(self, path: str | Path) -> str:
        """The rule that allows reading ``path``; raise ScopeError when none does."""
        resolved = Path(os.path.abspath(path))
        for denied in self.deny_paths:
            if resolved == denied or denied in resolved.parents:
                raise ScopeError(
                    f"{path} is denied by the scope ({self.source}: paths.deny {denied})"
                )
        for i, allowed in enumerate(self.allow_paths):
            if resolved == allowed or allowed in resolved.parents:
                return f"{self.source}: paths.allow[{i}] {allowed}"
        raise ScopeError(
            f"{path} is outside the authorised scope ({self.source})",
            hint="add it to paths.allow in the scope file, or scan a path inside the scope",
        )

    def asset_class(self, path: str | Path) -> str:
        """The asset class of ``path`` (longest matching ``assets`` entry), or ``unclassified``."""
        resolved = Path(os.path.abspath(path))
        best: tuple[int, str] = (-1, UNCLASSIFIED)
        for folder, cls in self.assets:
            if (resolved == folder or folder in resolved.parents) and len(folder.parts) > best[0]:
                best = (len(folder.parts), cls)
        return best[1]

    def host_rule(self, host: str, port: int) -> str:
        """The rule that allows probing ``host:port``; raise ScopeError when none does."""
        try:
            addr = ipaddress.ip_address(host)
        except ValueError:
            raise ScopeError(
                f"{host} is not an IP address; scope rules are CIDRs",
                hint="resolve names before scanning, then scope the addresses",
            ) from None
        if any(addr in net for net in self.deny_cidrs):
            raise ScopeError(f"{host} is in a denied network ({self.source})")
        if port not in self.ports:
            raise ScopeError(f"port {port} on {host} is not in the scope's ports ({self.source})")
        for i, net in enumerate(self.cidrs):
            if addr in net:
                return f"{self.source}: networks.cidrs[{i}] {net} port {port}"
        raise ScopeError(f"{host} is outside the authorised networks ({self.source})")

    def check_window(self, moment: dt.datetime | None = None) -> None:
        """Raise ScopeError when scanning is not allowed at ``moment`` (default: now)."""
        if not self.windows:
            return
        moment = moment or dt.datetime.now(dt.UTC)
        if not any(w.contains(moment) for w in self.windows):
            raise ScopeError(
                f"scanning is outside every allowed time window ({self.source})",
                hint="wait for the next window or ask the scope owner to widen it",
            )


UNCLASSIFIED = "unclassified"
"""Asset class of anything the scope file does not classify."""

_HINT = "see the scope file format in the README (section 'Scope file')"


def _parse_ports(items: Sequence[int | str]) -> frozenset[int]:
    ports: set[int] = set()
    for item in items:
        if isinstance(item, int):
            lo = hi = item
        else:
            lo_s, _, hi_s = str(item).partition("-")
            lo, hi = int(lo_s), int(hi_s or lo_s)
        if not 1 <= lo <= hi <= 65535:
            raise ValueError(f"bad port or range {item!r} (1-65535)")
        ports.update(range(lo, hi + 1))
    return frozenset(ports)


def _parse_window(w: _Window) -> TimeWindow:
    try:
        zoneinfo.ZoneInfo(w.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {w.timezone!r}") from None
    start = dt.time.fromisoformat(w.start)
    end_h, _, end_m = w.end.partition(":")
    end_minutes = int(end_h) * 60 + int(end_m or 0)
    if not 0 < end_minutes <= 1440:
        raise ValueError(f"bad window end {w.end!r}")
    return TimeWindow(
        days=frozenset(_DAYS.index(d) for d in w.days),
        start=start,
        end_minutes=end_minutes,
        timezone=w.timezone,
    )


def parse_window_spec(spec: dict[str, Any]) -> TimeWindow:
    """Parse one window mapping (days/start/end/timezone) as used by scope and policy files."""
    try:
        return _parse_window(_Window.model_validate(spec))
    except ValidationError as e:
        raise ValueError(f"bad time window {spec!r}: {e}") from e
