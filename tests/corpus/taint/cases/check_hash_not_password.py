# ruff: noqa
import hashlib


def etag(body, password):
    tag = hashlib.md5(body).hexdigest()  # safe: 328
    pw = hashlib.sha256(password.encode()).hexdigest()  # safe: 328
    legacy = hashlib.md5(password.encode(), usedforsecurity=False)  # safe: 328
    return tag, pw, legacy
