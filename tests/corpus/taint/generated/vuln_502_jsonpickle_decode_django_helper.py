# ruff: noqa
import jsonpickle
import json
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.COOKIES.get("q")
    v = build(data)
    obj = jsonpickle.decode(v)  # sink: 502
    return None
