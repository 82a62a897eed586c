# ruff: noqa
from flask import Flask, jsonify, request

from mail.renderer import WELCOME, Renderer

app = Flask(__name__)
renderer = Renderer("templates")


@app.route("/welcome", methods=["POST"])
def welcome():
    body = request.get_json()
    return jsonify(text=renderer.render_text(WELCOME, name=body["name"], shop="Mamori"))  # safe: 1336
