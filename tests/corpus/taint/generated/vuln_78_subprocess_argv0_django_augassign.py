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
    v = "prefix-"
    v += data
    subprocess.Popen([v, "--help"])  # sink: 78
    return None
