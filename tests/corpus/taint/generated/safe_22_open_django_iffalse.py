# ruff: noqa
import os
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.GET.get("q")
    v = "fixed-value"
    if False:
        v = data
    fh = open(v)  # safe: 22
    return None
