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
    data = request.POST["q"]
    v = data
    if v not in ALLOWED:
        raise ValueError("not allowed")
    obj = yaml.load(v, Loader=yaml.Loader)  # safe: 502
    return None
