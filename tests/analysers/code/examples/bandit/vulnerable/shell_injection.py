# ruff: noqa
"""Runs a user-supplied host name through a shell: command injection (CWE-78)."""

import subprocess


def ping(host: str) -> str:
    return subprocess.check_output("ping -c 1 " + host, shell=True).decode()  # vuln: B602
