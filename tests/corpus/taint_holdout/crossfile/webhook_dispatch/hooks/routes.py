from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from hooks.notifier import WebhookNotifier

bp = Blueprint("hooks", __name__, url_prefix="/merchants")


@bp.post("/webhook/verify")
@login_required
def verify_webhook():
    endpoint = request.form["endpoint"]
    notifier = WebhookNotifier(endpoint, secret=current_user.webhook_secret)
    resp = notifier.send_test()
    return jsonify(delivered=resp.ok, status=resp.status_code)
