# ruff: noqa
import codecs
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
    fh = codecs.open(os.path.basename(data), "r")  # safe: 22
    return None
