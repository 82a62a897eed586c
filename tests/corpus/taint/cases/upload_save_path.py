# ruff: noqa
import os
import uuid

from flask import Flask, jsonify, request
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

app = Flask(__name__)
UPLOAD_DIR = "/srv/uploads"


@app.route("/upload", methods=["POST"])
def upload():
    f = request.files["document"]
    f.save(os.path.join(UPLOAD_DIR, f.filename))  # sink: 22
    return jsonify(ok=True)


@app.route("/upload-safe", methods=["POST"])
def upload_safe():
    f = request.files["document"]
    f.save(os.path.join(UPLOAD_DIR, secure_filename(f.filename)))  # safe: 22
    return jsonify(ok=True)


@app.route("/upload-named", methods=["POST"])
def upload_named():
    f = request.files.get("document")
    target = UPLOAD_DIR + "/" + request.form["name"]
    f.save(target)  # sink: 22
    return jsonify(ok=True)


@app.route("/upload-random", methods=["POST"])
def upload_random():
    f = request.files.get("document")
    f.save(os.path.join(UPLOAD_DIR, uuid.uuid4().hex))  # safe: 22
    return jsonify(ok=True)


@app.route("/gallery", methods=["POST"])
def gallery():
    for photo in request.files.getlist("photos"):
        photo.save(os.path.join(UPLOAD_DIR, "gallery", photo.filename))  # sink: 22
    return jsonify(ok=True)


@app.route("/gallery-safe", methods=["POST"])
def gallery_safe():
    for photo in request.files.getlist("photos"):
        name = secure_filename(photo.filename)
        photo.save(os.path.join(UPLOAD_DIR, "gallery", name))  # safe: 22
    return jsonify(ok=True)


def store(upload: FileStorage, folder):
    upload.save(os.path.join(folder, upload.filename))  # sink: 22


@app.route("/avatar", methods=["POST"])
def avatar():
    store(request.files["avatar"], "/srv/avatars")
    return jsonify(ok=True)


class Note:
    def __init__(self, text):
        self.text = text

    def save(self, title):
        print(title, self.text)


@app.route("/notes", methods=["POST"])
def notes():
    Note(request.form["text"]).save(request.form["title"])  # safe: 22
    return jsonify(ok=True)


@app.route("/latest", methods=["POST"])
def latest():
    request.files["document"].save("/srv/uploads/latest.bin")  # safe: 22
    return jsonify(ok=True)
