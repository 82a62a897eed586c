# ruff: noqa
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

    fh = open(os.path.join("/srv/files", os.path.basename(data)))  # safe: 22
    return None
