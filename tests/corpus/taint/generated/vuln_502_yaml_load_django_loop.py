# ruff: noqa
import yaml
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.COOKIES.get("q")
    v = ""
    for part in data.split(","):
        v = v + part
    obj = yaml.load(v)  # sink: 502
    return None
