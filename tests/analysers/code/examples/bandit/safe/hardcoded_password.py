# ruff: noqa
# safe: B105, B106, B107
"""Reads the database password from the environment at run time."""

import os

DB_USER = "payments"
db_password = os.environ["DB_PASSWORD"]


def connect(driver):
    return driver.connect(user=DB_USER, password=os.environ["DB_PASSWORD"])
