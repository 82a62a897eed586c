"""Labelled examples for mamori.python.django-debug-enabled (CWE-489): a settings module."""

import os

from django.conf import settings

# ruleid: mamori.python.django-debug-enabled
DEBUG = True

# ok: mamori.python.django-debug-enabled
TEMPLATE_DEBUG = os.environ.get("TEMPLATE_DEBUG") == "1"

INSTALLED_APPS = ["django.contrib.auth", "payments"]

ROOT_URLCONF = "bank.urls"


def standalone():
    # ruleid: mamori.python.django-debug-enabled
    settings.configure(DEBUG=True)


def standalone_off():
    # ok: mamori.python.django-debug-enabled
    settings.configure(DEBUG=False)
