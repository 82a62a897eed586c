# ruff: noqa
from sqlalchemy import text
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.GET.get("q")
    v = ""
    for part in data.split(","):
        v = v + part
    stmt = text(v)  # sink: 89
    return None
