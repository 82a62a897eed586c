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
    data = request.body
    v = "fixed-value"
    resp = redirect(v)  # safe: 601
    return None
