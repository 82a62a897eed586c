# ruff: noqa
from shop.models import Order
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
    if v not in ALLOWED:
        raise ValueError("not allowed")
    rows = Order.objects.raw(v)  # safe: 89
    return None
