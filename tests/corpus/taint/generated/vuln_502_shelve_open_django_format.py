# ruff: noqa
import shelve
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.POST["q"]
    v = "prefix-{}".format(data)
    db = shelve.open(v)  # sink: 502
    return None
