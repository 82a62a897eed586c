# ruff: noqa
import random
import string
from random import randint


def issue():
    otp = randint(100000, 999999)  # sink: 330
    reset_token = "".join(random.choice(string.ascii_letters) for _ in range(32))  # sink: 330
    return otp, reset_token
