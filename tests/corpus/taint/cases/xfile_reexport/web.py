# ruff: noqa
from flask import Flask, request

from lib import load_profile

app = Flask(__name__)


@app.post("/profile")
def profile():
    return load_profile(request.get_data())
