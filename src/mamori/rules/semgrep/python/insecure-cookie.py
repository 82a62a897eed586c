"""Labelled examples for mamori.python.insecure-cookie (CWE-614)."""

from flask import Flask, make_response

app = Flask(__name__)


def no_flags(token):
    response = make_response("ok")
    # ruleid: mamori.python.insecure-cookie
    response.set_cookie("session", token)
    return response


def secure_only(response, token):
    # ruleid: mamori.python.insecure-cookie
    response.set_cookie("session", token, secure=True)


def httponly_off(response, token):
    # ruleid: mamori.python.insecure-cookie
    response.set_cookie("session", token, httponly=False, secure=True)


# ruleid: mamori.python.insecure-cookie
SESSION_COOKIE_SECURE = False


def both_flags(response, token):
    # ok: mamori.python.insecure-cookie
    response.set_cookie("session", token, secure=True, httponly=True, samesite="Lax")


def flags_reversed(response, token):
    # ok: mamori.python.insecure-cookie
    response.set_cookie("session", token, httponly=True, samesite="Strict", secure=True)


def flags_from_config(response, token, cfg):
    # ok: mamori.python.insecure-cookie
    response.set_cookie("session", token, **cfg.cookie_options)


def removal(response):
    # ok: mamori.python.insecure-cookie
    response.delete_cookie("session")
