"""Foreign-exchange rates from the bank's treasury feed and the partner correspondent bank."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

import requests

log = logging.getLogger(__name__)

TIMEOUT = 5
CORRESPONDENT_URL = "https://api.correspondent-bank.example/fx/v1/rates"
SUPPORTED = frozenset({"USD", "EUR", "GBP", "AUD"})


class RatesUnavailable(Exception):
    """Neither feed answered; the transfer form falls back to 'rate on booking'."""


@dataclass(frozen=True)
class Quote:
    currency: str
    bid: Decimal
    ask: Decimal
    source: str


def treasury_rates(feed_url: str, ca_bundle: str) -> dict[str, Quote]:
    """Today's rates from the treasury feed (internal CA, pinned bundle)."""
    resp = requests.get(f"{feed_url}/rates/today", timeout=TIMEOUT, verify=ca_bundle)
    resp.raise_for_status()
    return _parse(resp.json(), "treasury")


def correspondent_rates(currency: str) -> dict[str, Quote]:
    """Rates from the correspondent bank, queried per currency."""
    if currency not in SUPPORTED:
        raise RatesUnavailable(f"unsupported currency {currency}")
    resp = requests.get(
        CORRESPONDENT_URL,
        params={"base": "JPY", "symbols": currency},
        timeout=TIMEOUT,
        verify=True,
    )
    resp.raise_for_status()
    return _parse(resp.json(), "correspondent")


def legacy_gateway_rates(gateway_host: str) -> dict[str, Quote]:
    """Rates from the old on-premise FX gateway (self-signed certificate, see INC-2291)."""
    resp = requests.get(f"https://{gateway_host}/fx/rates.json", timeout=TIMEOUT, verify=False)
    resp.raise_for_status()
    return _parse(resp.json(), "legacy-gateway")


def best_rates(feed_url: str, ca_bundle: str, gateway_host: str) -> dict[str, Quote]:
    """Treasury first, then the legacy gateway; raise RatesUnavailable if both fail."""
    for name, fetch in (
        ("treasury", lambda: treasury_rates(feed_url, ca_bundle)),
        ("legacy-gateway", lambda: legacy_gateway_rates(gateway_host)),
    ):
        try:
            return fetch()
        except (requests.RequestException, ValueError, KeyError) as e:
            log.warning("fx feed %s failed: %s", name, e)
    raise RatesUnavailable("no FX feed answered")


def _parse(payload: dict[str, object], source: str) -> dict[str, Quote]:
    rates = payload["rates"]
    if not isinstance(rates, dict):
        raise ValueError("rates is not an object")
    return {
        cur: Quote(cur, Decimal(str(r["bid"])), Decimal(str(r["ask"])), source)
        for cur, r in rates.items()
        if cur in SUPPORTED
    }
