"""Labelled examples for mamori.python.weak-password-hash (CWE-328)."""

import hashlib
from hashlib import md5, sha1


def store(user, password):
    # ruleid: mamori.python.weak-password-hash
    user.password_hash = hashlib.md5(password.encode()).hexdigest()


def imported(pwd):
    # ruleid: mamori.python.weak-password-hash
    return sha1(pwd.encode("utf-8")).hexdigest()


def incremental(salt, passphrase):
    hasher = hashlib.new("sha1")
    hasher.update(salt)
    # ruleid: mamori.python.weak-password-hash
    hasher.update(passphrase.encode())
    return hasher.hexdigest()


def named_result(raw):
    # ruleid: mamori.python.weak-password-hash
    hashed_password = md5(raw).hexdigest()
    return hashed_password


def file_checksum(data):
    # ok: mamori.python.weak-password-hash
    return hashlib.md5(data).hexdigest()


def cache_key(password_field_name):
    # ok: mamori.python.weak-password-hash
    return hashlib.md5(password_field_name.encode(), usedforsecurity=False).hexdigest()


def strong(password, salt):
    # ok: mamori.python.weak-password-hash
    return hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)


def sha256_password(password):
    # ok: mamori.python.weak-password-hash
    return hashlib.sha256(password.encode()).hexdigest()
