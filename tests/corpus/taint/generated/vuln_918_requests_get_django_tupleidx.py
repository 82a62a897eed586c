# ruff: noqa
import requests
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.COOKIES.get("q")
    pair = ("fixed", data)
    v = pair[1]
    resp = requests.get(v)  # sink: 918
    return None
