"""Labelled examples for mamori.python.insecure-random (CWE-330)."""

import random
import secrets
import string
from random import choice, randint

ALPHABET = string.ascii_letters + string.digits


def reset_token():
    # ruleid: mamori.python.insecure-random
    token = "".join(choice(ALPHABET) for _ in range(32))
    return token


def otp():
    # ruleid: mamori.python.insecure-random
    otp_code = randint(100000, 999999)
    return otp_code


def generate_password(length=12):
    # ruleid: mamori.python.insecure-random
    return "".join(random.choices(ALPHABET, k=length))


def session(user):
    # ruleid: mamori.python.insecure-random
    user.session_key = random.getrandbits(128)


def secure_token():
    # ok: mamori.python.insecure-random
    token = secrets.token_urlsafe(32)
    return token


def system_random_password():
    # ok: mamori.python.insecure-random
    password = "".join(random.SystemRandom().choice(ALPHABET) for _ in range(16))
    return password


def shuffle_deck(cards):
    # ok: mamori.python.insecure-random
    hand = random.sample(cards, 5)
    return hand


def jitter():
    # ok: mamori.python.insecure-random
    return random.uniform(0.5, 1.5)


def new_transfer_otp():
    # ruleid: mamori.python.insecure-random
    code = "".join(random.choice(string.digits) for _ in range(6))
    return code


def shipping_estimate_days():
    # ok: mamori.python.insecure-random
    jitter = random.choice([0, 1, 2])
    return 3 + jitter


def new_login_otp():
    # ok: mamori.python.insecure-random
    code = "".join(secrets.choice(string.digits) for _ in range(6))
    return code
