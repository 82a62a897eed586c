# ruff: noqa
# safe: B602, B605
"""Runs ping with an argument list and no shell, so the host cannot inject commands."""

import subprocess


def ping(host: str) -> str:
    return subprocess.check_output(["ping", "-c", "1", "--", host]).decode()
