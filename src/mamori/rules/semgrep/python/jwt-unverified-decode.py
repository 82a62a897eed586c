"""Labelled examples for mamori.python.jwt-unverified-decode (CWE-347)."""

import jwt
from jose import jwt as jose_jwt

UNVERIFIED = {"verify_signature": False}


def no_signature_check(token):
    # ruleid: mamori.python.jwt-unverified-decode
    return jwt.decode(token, options={"verify_signature": False, "verify_exp": True})


def legacy_flag(token, key):
    # ruleid: mamori.python.jwt-unverified-decode
    return jwt.decode(token, key, verify=False)


def none_algorithm(token, key):
    # ruleid: mamori.python.jwt-unverified-decode
    return jwt.decode(token, key, algorithms=["HS256", "none"])


def options_variable(token):
    opts = {"verify_signature": False}
    # ruleid: mamori.python.jwt-unverified-decode
    return jwt.decode(token, options=opts)


def jose_claims(token):
    # ruleid: mamori.python.jwt-unverified-decode
    return jose_jwt.get_unverified_claims(token)


def verified(token, key):
    # ok: mamori.python.jwt-unverified-decode
    return jwt.decode(token, key, algorithms=["RS256"], audience="payments")


def verified_with_options(token, key):
    # ok: mamori.python.jwt-unverified-decode
    return jwt.decode(token, key, algorithms=["HS256"], options={"require": ["exp"]})
