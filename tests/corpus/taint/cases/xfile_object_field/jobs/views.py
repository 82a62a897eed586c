# ruff: noqa
from flask import Flask, request

from jobs.base import Archive

app = Flask(__name__)


def _job(folder):
    return Archive(folder)


@app.post("/archive")
def archive():
    job = _job(request.form["folder"])
    return {"code": job.run().returncode}
