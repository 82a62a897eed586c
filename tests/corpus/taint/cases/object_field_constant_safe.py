# ruff: noqa
import requests
from flask import Flask, request

app = Flask(__name__)
PARTNER = "https://partner.example.net/notify"


class Callback:
    def __init__(self, url, timeout=5):
        self.url = url
        self.timeout = timeout

    def fire(self, payload):
        return requests.post(self.url, json=payload, timeout=self.timeout)  # safe: 918


@app.post("/notify")
def notify():
    callback = Callback(PARTNER)
    return {"status": callback.fire(request.get_json()).status_code}
