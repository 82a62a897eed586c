# ruff: noqa
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def login_done(request):
    nxt = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={"bank.example"}):
        nxt = "/"
    return HttpResponseRedirect(nxt)  # safe: 601
