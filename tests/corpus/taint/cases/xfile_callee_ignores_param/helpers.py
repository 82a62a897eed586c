# ruff: noqa
import os


def audit(user, event):
    os.system("logger " + event)  # safe: 78
