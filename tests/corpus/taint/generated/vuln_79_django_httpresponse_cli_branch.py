# ruff: noqa
from django.http import HttpResponse
from django.utils.html import escape
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = sys.argv[1]
    v = "fixed"
    if len(data) > 3:
        v = data
    resp = HttpResponse("<p>%s</p>" % v)  # sink: 79
    return None
