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
    data = request.POST["q"]
    mode = "debug" * 0
    v = data if mode else "fixed-value"
    resp = httpx.post(v, json={})  # safe: 918
    return None
