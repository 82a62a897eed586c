# ruff: noqa
from markupsafe import Markup, escape
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = sys.argv[1]
    v = "prefix-"
    v += data
    html = Markup("<b>" + v + "</b>")  # sink: 79
    return None
