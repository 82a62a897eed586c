# ruff: noqa
import urllib.request
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = sys.argv[1]
    v = "prefix-{}".format(data)
    resp = urllib.request.urlopen(v)  # sink: 918
    return None
