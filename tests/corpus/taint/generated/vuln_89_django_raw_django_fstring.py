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
    data = request.GET.get("q")
    v = f"prefix-{data}"
    rows = Order.objects.raw(v)  # sink: 89
    return None
