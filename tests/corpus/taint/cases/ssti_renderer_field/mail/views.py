# ruff: noqa
from flask import Flask, jsonify, request

from mail.renderer import Renderer

app = Flask(__name__)
renderer = Renderer("templates")


@app.route("/campaign", methods=["POST"])
def campaign():
    body = request.get_json()
    return jsonify(text=renderer.render_text(body["template"], shop="Mamori"))
