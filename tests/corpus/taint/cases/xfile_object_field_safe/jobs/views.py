# ruff: noqa
import shlex

from flask import Flask, request

from jobs.base import Archive

app = Flask(__name__)


def _job(folder):
    return Archive(shlex.quote(folder), owner="ops")


@app.post("/archive")
def archive():
    job = _job(request.form["folder"])
    job.notify()
    return {"code": job.run().returncode}
