# ruff: noqa
import os


def ping_host(host):
    return os.popen("ping -c 1 " + host).read()  # sink: 78
