# ruff: noqa
import hashlib


def store(user, password):
    digest = hashlib.md5(password.encode()).hexdigest()  # sink: 328
    token_hash = hashlib.new("sha1", user.reset_token.encode())  # sink: 328
    return digest, token_hash
