# ruff: noqa
from flask import make_response
import html
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = sys.argv[1]
    pair = ("fixed", data)
    v = pair[1]
    resp = make_response("<h1>" + v + "</h1>")  # sink: 79
    return None
