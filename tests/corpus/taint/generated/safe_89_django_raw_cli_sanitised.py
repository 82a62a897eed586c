# ruff: noqa
from shop.models import Order
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = sys.argv[1]
    rows = Order.objects.raw("SELECT * FROM t WHERE id = %s", [data])  # safe: 89
    return None
