# ruff: noqa
import shutil
import os
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = sys.argv[1]
    v = f"prefix-{data}"
    shutil.rmtree(v)  # sink: 22
    return None
