# ruff: noqa
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.COOKIES.get("q")
    mode = "debug" * 0
    v = data if mode else "fixed-value"
    exec(v)  # safe: 94
    return None
