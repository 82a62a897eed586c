# ruff: noqa
import ast
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.META["HTTP_X_Q"]
    pair = ("fixed", data)
    v = pair[1]
    result = eval(v)  # sink: 95
    return None
