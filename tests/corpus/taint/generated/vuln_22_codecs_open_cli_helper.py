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
    v = build(data)
    fh = codecs.open(v, "r")  # sink: 22
    return None
