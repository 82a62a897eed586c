# ruff: noqa
from django.http import JsonResponse

from shop.services import ping_host


def ping(request):
    return JsonResponse({"out": ping_host(request.GET["host"])})
