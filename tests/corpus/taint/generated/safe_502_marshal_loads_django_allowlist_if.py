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
    data = request.POST["q"]
    v = "fixed-value"
    if data in ALLOWED:
        v = data
    obj = marshal.loads(v)  # safe: 502
    return None
