"""Labelled examples for mamori.python.ssrf (CWE-918)."""

import urllib.request

import httpx
import requests
from flask import Flask, request

app = Flask(__name__)


@app.route("/preview")
def preview():
    url = request.args.get("url")
    # ruleid: mamori.python.ssrf
    return requests.get(url, timeout=5).text


@app.route("/hook", methods=["POST"])
def webhook():
    target = request.json["callback"]
    with httpx.Client() as client:
        # ruleid: mamori.python.ssrf
        client.post(target, json={"ok": True})


def fetch(request):
    # ruleid: mamori.python.ssrf
    return urllib.request.urlopen(request.GET["feed"]).read()


@app.route("/host")
def by_host():
    host = request.args["host"]
    # ruleid: mamori.python.ssrf
    return requests.get(f"https://{host}/status", timeout=5).text


@app.route("/account")
def fixed_host():
    account = request.args["id"]
    # ok: mamori.python.ssrf
    return requests.get(f"https://core.bank.example/accounts/{account}", timeout=5).json()


@app.route("/rates")
def constant_url():
    # ok: mamori.python.ssrf
    return httpx.get("https://rates.bank.example/today").json()
