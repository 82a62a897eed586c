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
    subprocess.run(["ls", data], shell=False)  # safe: 78
    return None
