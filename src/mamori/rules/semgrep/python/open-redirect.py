"""Labelled examples for mamori.python.open-redirect (CWE-601)."""

from django.http import HttpResponseRedirect
from django.shortcuts import redirect as dj_redirect
from django.utils.http import url_has_allowed_host_and_scheme
from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from flask import Flask, redirect, request, url_for

app = Flask(__name__)
api = FastAPI()


@app.route("/login")
def after_login():
    target = request.args.get("next")
    # ruleid: mamori.python.open-redirect
    return redirect(target)


def django_view(request):
    # ruleid: mamori.python.open-redirect
    return HttpResponseRedirect(request.GET["return_to"])


@api.get("/go")
async def go(url: str):
    # ruleid: mamori.python.open-redirect
    return RedirectResponse(url=url)


@app.route("/home")
def home():
    # ok: mamori.python.open-redirect
    return redirect(url_for("index"))


@app.route("/fixed")
def fixed():
    # ok: mamori.python.open-redirect
    return redirect("/dashboard")


def checked(request):
    nxt = request.GET.get("next", "/")
    if url_has_allowed_host_and_scheme(nxt, allowed_hosts={"bank.example"}):
        # ok: mamori.python.open-redirect
        return dj_redirect(nxt)
    return dj_redirect("/")
