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
    subprocess.check_output("grep " + shlex.quote(data), shell=True)  # safe: 78
    return None
