# ruff: noqa
"""Calls an API with certificate checks switched off (CWE-295)."""

import requests


def fetch_rates(url: str) -> dict:
    return requests.get(url, verify=False, timeout=10).json()  # vuln: B501
