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
    v = "prefix-%s" % data
    subprocess.run(v, shell=True)  # sink: 78
    return None
