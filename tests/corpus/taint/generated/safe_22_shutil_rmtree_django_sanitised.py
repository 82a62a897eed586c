# ruff: noqa
import shutil
import os
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.POST["q"]
    shutil.rmtree(os.path.basename(data))  # safe: 22
    return None
