# ruff: noqa
import subprocess

from flask import Flask, abort, request

app = Flask(__name__)
ALLOWED = ("status", "uptime")


def run(cmd):
    return subprocess.check_output(cmd, shell=True)  # safe: 78


@app.route("/cmd")
def cmd():
    name = request.args.get("name", "")
    if name not in ALLOWED:
        abort(403)
    return run(name)
