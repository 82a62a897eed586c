# ruff: noqa
import pickle
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.META["HTTP_X_Q"]
    v = "prefix-%s" % data
    obj = pickle.loads(v)  # sink: 502
    return None
