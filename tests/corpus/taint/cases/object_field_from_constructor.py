# ruff: noqa
import requests
from flask import Flask, request

app = Flask(__name__)


class Callback:
    def __init__(self, url, timeout=5):
        self.url = url
        self.timeout = timeout

    def fire(self, payload):
        return self._send(payload)

    def _send(self, payload):
        return requests.post(self.url, json=payload, timeout=self.timeout)  # sink: 918


@app.post("/callbacks/test")
def test_callback():
    callback = Callback(request.form["url"])
    return {"status": callback.fire({"ping": True}).status_code}
