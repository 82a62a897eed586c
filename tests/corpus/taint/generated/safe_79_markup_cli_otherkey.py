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
    data = input()
    box = {"key": data, "other": "fixed-value"}
    v = box["other"]
    html = Markup("<b>" + v + "</b>")  # safe: 79
    return None
