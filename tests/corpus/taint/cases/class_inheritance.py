# ruff: noqa
import subprocess

from flask import Flask, request

app = Flask(__name__)


class Base:
    def run(self, cmd):
        return subprocess.run(cmd, shell=True)  # sink: 78


class Backup(Base):
    def start(self, target):
        return self.run("tar czf /backups/x.tgz " + target)


@app.route("/backup")
def backup():
    return Backup().start(request.form["dir"])
