# ruff: noqa
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.GET.get("q")
    if url_has_allowed_host_and_scheme(data, allowed_hosts={"bank.example"}):
        resp = HttpResponseRedirect(data)  # safe: 601
    return None
