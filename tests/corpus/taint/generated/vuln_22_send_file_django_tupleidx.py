# ruff: noqa
from flask import send_file
from werkzeug.utils import secure_filename
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.GET.get("q")
    pair = ("fixed", data)
    v = pair[1]
    resp = send_file(v)  # sink: 22
    return None
