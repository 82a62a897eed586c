# ruff: noqa
import shlex
import subprocess

from flask import Flask, request

app = Flask(__name__)


class Shell:
    def run(self, line):
        return subprocess.run(line, shell=True, capture_output=True)  # safe: 78


class Backups:
    def __init__(self, shell):
        self.shell = shell

    def restore(self, name):
        return self.shell.run("restore-backup " + shlex.quote(name))

    def latest(self):
        return self.shell.run("restore-backup --latest")


@app.post("/restore")
def restore():
    backups = Backups(Shell())
    backups.latest()
    return {"code": backups.restore(request.form["name"]).returncode}
