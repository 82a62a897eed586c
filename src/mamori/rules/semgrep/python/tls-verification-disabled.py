"""Labelled examples for mamori.python.tls-verification-disabled (CWE-295)."""

import ssl

import httpx
import requests
from requests import post


def no_verify(url):
    # ruleid: mamori.python.tls-verification-disabled
    return requests.get(url, timeout=5, verify=False)


def imported_post(url, body):
    # ruleid: mamori.python.tls-verification-disabled
    return post(url, json=body, verify=False)


def httpx_client():
    # ruleid: mamori.python.tls-verification-disabled
    return httpx.Client(verify=False)


def session_flag():
    session = requests.Session()
    # ruleid: mamori.python.tls-verification-disabled
    session.verify = False
    return session


def unverified_context():
    # ruleid: mamori.python.tls-verification-disabled
    return ssl._create_unverified_context()


def context_without_checks():
    ctx = ssl.create_default_context()
    # ruleid: mamori.python.tls-verification-disabled
    ctx.check_hostname = False
    # ruleid: mamori.python.tls-verification-disabled
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def verified(url):
    # ok: mamori.python.tls-verification-disabled
    return requests.get(url, timeout=5, verify=True)


def custom_ca(url):
    # ok: mamori.python.tls-verification-disabled
    return httpx.get(url, verify="/etc/ssl/bank-ca.pem")


def strict_context():
    ctx = ssl.create_default_context()
    # ok: mamori.python.tls-verification-disabled
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx
