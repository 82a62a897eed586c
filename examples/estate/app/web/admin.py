"""Back-office console: backups, connectivity checks, fee formulas, partner settings."""

from __future__ import annotations

import logging
from decimal import Decimal

import requests
from flask import Blueprint, jsonify, render_template, request

from app.admin import maintenance
from app.integrations import partner_config
from app.services import transfers
from app.web.common import staff_required

log = logging.getLogger(__name__)

bp = Blueprint("admin", __name__, url_prefix="/ops")

FEE_PREVIEW_SAMPLES = [Decimal(a) for a in ("1000", "29999", "30000", "250000", "1000000")]
WEBHOOK_TIMEOUT = 5
PARTNER_STATUS_URL = "https://status.zengin-net.example/api/v1/participants"


@bp.get("/")
@staff_required
def console():
    return render_template("ops/console.html", backups=maintenance.list_backups())


@bp.post("/backup")
@staff_required
def backup():
    database = request.form.get("database", "ledger")
    label = request.form.get("label", "manual backup")
    result = maintenance.backup_database(database, label)
    if result.returncode == 0:
        maintenance.compress_backup(result.archive)
    return jsonify(archive=result.archive.name, ok=result.returncode == 0)


@bp.post("/logs/rotate")
@staff_required
def rotate_logs():
    return jsonify(status=maintenance.rotate_logs())


@bp.get("/partners/dns")
@staff_required
def partner_dns():
    host = request.args.get("host", "")
    return render_template("ops/dns.html", host=host, answer=maintenance.resolve_partner_host(host))


@bp.get("/partners/status")
@staff_required
def partner_status():
    """Clearing-network status of one participant bank, looked up by its four-digit code."""
    code = request.args.get("code", "")
    resp = requests.get(PARTNER_STATUS_URL, params={"code": code}, timeout=WEBHOOK_TIMEOUT)
    return jsonify(resp.json())


@bp.post("/fees/preview")
@staff_required
def fee_preview():
    formula = request.form["formula"]
    return jsonify(transfers.preview_fees(formula, FEE_PREVIEW_SAMPLES))


@bp.post("/partners/upload")
@staff_required
def upload_partners():
    upload = request.files["partners"]
    partners = partner_config.load_uploaded(upload.stream)
    log.info("operations uploaded %d partner entries", len(partners))
    return jsonify(codes=sorted(partners))


@bp.post("/webhooks/test")
@staff_required
def test_webhook():
    """Send a sample event to a merchant's webhook endpoint to check their integration."""
    url = request.form["url"]
    event = {"type": "transfer.settled", "id": "evt_test", "amount": "1000", "currency": "JPY"}
    resp = requests.post(url, json=event, timeout=WEBHOOK_TIMEOUT)
    return jsonify(status=resp.status_code)
