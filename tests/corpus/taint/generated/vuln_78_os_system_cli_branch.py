# ruff: noqa
import os
import shlex
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = sys.argv[1]
    v = "fixed"
    if len(data) > 3:
        v = data
    os.system(v)  # sink: 78
    return None
