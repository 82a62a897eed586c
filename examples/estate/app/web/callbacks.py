"""Machine-to-machine callbacks: card-processing partner, payment hub, SMS gateway."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os

from flask import Blueprint, abort, jsonify, request

from app.auth import tokens
from app.integrations import swift_import

log = logging.getLogger(__name__)

bp = Blueprint("callbacks", __name__, url_prefix="/api")

_SMS_SIGNING_KEY = os.environ.get("HISUI_SMS_WEBHOOK_KEY", "").encode("utf-8")


@bp.post("/cards/callback")
def card_callback():
    """Authorisation result from the card processor; the token names the merchant."""
    claims = tokens.peek_partner_token(request.headers.get("X-Partner-Token", ""))
    log.info("card callback for merchant %s", claims.get("merchant_id"))
    return jsonify(accepted=True, merchant=claims.get("merchant_id"))


@bp.post("/hub/status")
def hub_status():
    """pain.002 payment status report pushed by the payment hub."""
    statuses = swift_import.parse_pain002(request.get_data())
    rejected = [s.end_to_end_id for s in statuses if s.status == "RJCT"]
    return jsonify(received=len(statuses), rejected=rejected)


@bp.post("/sms/delivery")
def sms_delivery():
    """Delivery receipt from the SMS gateway, signed with HMAC-SHA256."""
    body = request.get_data()
    expected = hmac.new(_SMS_SIGNING_KEY, body, hashlib.sha256).hexdigest()
    received = request.headers.get("X-Signature", "")
    if not _SMS_SIGNING_KEY or not hmac.compare_digest(expected, received):
        abort(401)
    return jsonify(ok=True)
