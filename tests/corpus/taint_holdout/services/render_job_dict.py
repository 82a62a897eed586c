import subprocess

from flask import Blueprint, jsonify, request
from flask_login import login_required

statements = Blueprint("statement_jobs", __name__)

RENDERER = "/usr/local/bin/statement-render"


def build_job(form):
    return {
        "tool": RENDERER,
        "account": form["account"],
        "lang": form.get("lang", "en"),
    }


@statements.post("/statements/render")
@login_required
def render_statement():
    job = build_job(request.form)
    cmd = f"{job['tool']} --account {job['account']} --lang {job['lang']}"
    subprocess.run(cmd, shell=True, check=True)  # sink: 78
    return jsonify(status="rendering")
