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
    data = request.META["HTTP_X_Q"]
    box = {"key": data, "other": "fixed-value"}
    v = box["other"]
    subprocess.Popen([v, "--help"])  # safe: 78
    return None
