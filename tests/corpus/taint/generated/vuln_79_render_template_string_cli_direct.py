# ruff: noqa
from flask import render_template_string
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
    v = data
    page = render_template_string("<p>" + v + "</p>")  # sink: 79  # sink: 1336
    return None
