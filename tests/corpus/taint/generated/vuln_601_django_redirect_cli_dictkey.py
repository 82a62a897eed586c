# ruff: noqa
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = sys.argv[1]
    box = {"key": data, "other": "fixed"}
    v = box["key"]
    resp = HttpResponseRedirect(v)  # sink: 601
    return None
