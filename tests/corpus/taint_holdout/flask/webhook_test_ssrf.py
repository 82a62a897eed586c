import requests
from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

developer = Blueprint("developer", __name__, url_prefix="/developer")


@developer.post("/webhooks/test")
@login_required
def test_webhook():
    payload = request.get_json(force=True)
    callback_url = payload["url"]
    event = {"type": "ping", "merchant": current_user.merchant_id}
    try:
        resp = requests.post(callback_url, json=event, timeout=5)  # sink: 918
    except requests.RequestException as exc:
        return jsonify(ok=False, error=type(exc).__name__), 502
    return jsonify(ok=resp.ok, status=resp.status_code)
