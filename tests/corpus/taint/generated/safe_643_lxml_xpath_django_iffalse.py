# ruff: noqa
from lxml import etree
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.COOKIES.get("q")
    v = "fixed-value"
    if False:
        v = data
    tree = etree.parse("accounts.xml")
    nodes = tree.xpath("//user[@name='" + v + "']")  # safe: 643
    return None
