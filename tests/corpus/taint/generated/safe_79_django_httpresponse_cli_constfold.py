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
    data = input()
    mode = "debug" * 0
    v = data if mode else "fixed-value"
    resp = HttpResponse("<p>%s</p>" % v)  # safe: 79
    return None
