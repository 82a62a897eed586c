# ruff: noqa
import subprocess
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.body
    box = {"key": data, "other": "fixed"}
    v = box["key"]
    subprocess.run(v, shell=True)  # sink: 78
    return None
