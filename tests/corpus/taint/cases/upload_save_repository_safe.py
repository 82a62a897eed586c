# ruff: noqa
import os

from flask import Flask, jsonify, request
from werkzeug.utils import secure_filename

app = Flask(__name__)


def save_profile(repo, form):
    repo.save(form["display_name"])  # safe: 22


@app.route("/profile", methods=["POST"])
def profile():
    from app_store import profiles

    save_profile(profiles, request.form)
    upload = request.files["picture"]
    filename = secure_filename(upload.filename)
    if not filename:
        return jsonify(error="bad name"), 400
    upload.save(os.path.join("/srv/pictures", filename))  # safe: 22
    return jsonify(ok=True)
