# ruff: noqa
import os
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.POST["q"]
    box = {"key": data, "other": "fixed"}
    v = box["key"]
    fh = open(v)  # sink: 22
    return None
