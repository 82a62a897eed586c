# ruff: noqa
import marshal
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.COOKIES.get("q")
    v = "-".join(["prefix", data])
    obj = marshal.loads(v)  # sink: 502
    return None
