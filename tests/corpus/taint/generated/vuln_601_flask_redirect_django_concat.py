# ruff: noqa
from flask import redirect
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.GET.get("q")
    v = "prefix-" + data
    resp = redirect(v)  # sink: 601
    return None
