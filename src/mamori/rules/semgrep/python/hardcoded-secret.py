"""Labelled examples for mamori.python.hardcoded-secret (CWE-798). All values are fake."""

import os

import psycopg
from flask import Flask

app = Flask(__name__)

# ruleid: mamori.python.hardcoded-secret
SECRET_KEY = "django-insecure-0123456789abcdef"

# ruleid: mamori.python.hardcoded-secret
DB_PASSWORD = "Winter2024!"

# ruleid: mamori.python.hardcoded-secret
app.secret_key = "flask-session-signing-value"

# ruleid: mamori.python.hardcoded-secret
app.config["SECRET_KEY"] = "another-fake-signing-value"

DATABASES = {
    "default": {
        "USER": "bank",
        # ruleid: mamori.python.hardcoded-secret
        "PASSWORD": "not-a-real-password",
    }
}


def connect():
    # ruleid: mamori.python.hardcoded-secret
    return psycopg.connect(host="db", user="bank", password="hunter2hunter2")


# ok: mamori.python.hardcoded-secret
API_KEY = os.environ["API_KEY"]

# ok: mamori.python.hardcoded-secret
DB_PASSWORD_ENV = "DB_PASSWORD"

# ok: mamori.python.hardcoded-secret
SMTP_PASSWORD = ""

# ok: mamori.python.hardcoded-secret
CLIENT_SECRET = "${CLIENT_SECRET}"

# ok: mamori.python.hardcoded-secret
PASSWORD_RESET_URL = "https://bank.example/reset"


def from_environment():
    # ok: mamori.python.hardcoded-secret
    return psycopg.connect(host="db", password=os.environ.get("PGPASSWORD", ""))
