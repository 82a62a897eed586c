# ruff: noqa
from flask import session
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.COOKIES.get("q")
    session["user"] = "anonymous" if data else "guest"  # safe: 501
    return None
