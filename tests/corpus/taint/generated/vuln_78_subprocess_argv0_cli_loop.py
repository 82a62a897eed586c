# ruff: noqa
import subprocess
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = sys.argv[1]
    v = ""
    for part in data.split(","):
        v = v + part
    subprocess.Popen([v, "--help"])  # sink: 78
    return None
