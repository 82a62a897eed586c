# ruff: noqa
from flask import redirect
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
    resp = redirect(v)  # sink: 601
    return None
