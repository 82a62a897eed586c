# ruff: noqa
import os
import shlex
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.GET.get("q")
    v = build(data)
    os.system(v)  # sink: 78
    return None
