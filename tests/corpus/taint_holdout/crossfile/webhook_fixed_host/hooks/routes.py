from flask import Blueprint, jsonify, request
from flask_login import login_required

from hooks.gateway import NotifyGateway

bp = Blueprint("events", __name__)
gateway = NotifyGateway()


@bp.post("/merchants/<int:merchant_id>/events")
@login_required
def publish_event(merchant_id):
    body = request.get_json(silent=True) or {}
    resp = gateway.publish(merchant_id, body.get("event", "custom"), body.get("payload", {}))
    return jsonify(accepted=resp.status_code == 202)
