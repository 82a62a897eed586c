# ruff: noqa
import subprocess
import shlex
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.body
    v = data
    subprocess.check_output(v, shell=True)  # sink: 78
    return None
