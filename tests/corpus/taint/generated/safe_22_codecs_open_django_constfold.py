# ruff: noqa
import codecs
import os
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.body
    mode = "debug" * 0
    v = data if mode else "fixed-value"
    fh = codecs.open(v, "r")  # safe: 22
    return None
