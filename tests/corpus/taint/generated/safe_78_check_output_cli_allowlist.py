# ruff: noqa
import subprocess
import shlex
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = input()
    v = data
    if v not in ALLOWED:
        raise ValueError("not allowed")
    subprocess.check_output(v, shell=True)  # safe: 78
    return None
