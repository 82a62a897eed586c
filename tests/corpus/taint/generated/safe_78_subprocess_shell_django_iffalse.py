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
    v = "fixed-value"
    if False:
        v = data
    subprocess.run(v, shell=True)  # safe: 78
    return None
