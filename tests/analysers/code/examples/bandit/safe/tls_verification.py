# ruff: noqa
# safe: B501
"""Calls an API with certificate verification against the bank's CA bundle."""

import requests


def fetch_rates(url: str) -> dict:
    return requests.get(url, verify="/etc/ssl/bank-ca.pem", timeout=10).json()
