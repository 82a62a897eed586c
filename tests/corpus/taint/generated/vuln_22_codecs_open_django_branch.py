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
    data = request.GET.get("q")
    v = "fixed"
    if len(data) > 3:
        v = data
    fh = codecs.open(v, "r")  # sink: 22
    return None
