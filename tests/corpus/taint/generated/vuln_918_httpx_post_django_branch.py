# ruff: noqa
import httpx
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.COOKIES.get("q")
    v = "fixed"
    if len(data) > 3:
        v = data
    resp = httpx.post(v, json={})  # sink: 918
    return None
