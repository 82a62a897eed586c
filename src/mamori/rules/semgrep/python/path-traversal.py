"""Labelled examples for mamori.python.path-traversal (CWE-22)."""

import os

from fastapi import FastAPI
from fastapi.responses import FileResponse
from flask import Flask, request, send_file, send_from_directory
from werkzeug.utils import secure_filename

app = Flask(__name__)
api = FastAPI()
REPORTS = "/srv/reports"


@app.route("/report")
def report():
    name = request.args["name"]
    # ruleid: mamori.python.path-traversal
    return send_file(os.path.join(REPORTS, name))


@app.route("/upload", methods=["POST"])
def upload():
    upload_name = request.form.get("filename")
    # ruleid: mamori.python.path-traversal
    with open("/srv/uploads/" + upload_name, "wb") as fh:
        fh.write(request.get_data())


@api.get("/statements/{name}")
async def statement(name: str):
    # ruleid: mamori.python.path-traversal
    return FileResponse(f"/srv/statements/{name}")


@app.route("/safe-report")
def safe_report():
    name = secure_filename(request.args["name"])
    # ok: mamori.python.path-traversal
    return send_file(os.path.join(REPORTS, name))


@app.route("/basename")
def by_basename():
    # ok: mamori.python.path-traversal
    with open(os.path.join(REPORTS, os.path.basename(request.args["name"]))) as fh:
        return fh.read()


@app.route("/managed")
def managed():
    # ok: mamori.python.path-traversal
    return send_from_directory(REPORTS, request.args["name"])


def fixed_file():
    # ok: mamori.python.path-traversal
    with open("/etc/mamori/scope.yaml") as fh:
        return fh.read()
