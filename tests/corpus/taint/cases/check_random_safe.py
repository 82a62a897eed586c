# ruff: noqa
import random
import secrets


def issue(items):
    api_key = secrets.token_urlsafe(32)  # safe: 330
    sample = random.choice(items)  # safe: 330
    return api_key, sample
