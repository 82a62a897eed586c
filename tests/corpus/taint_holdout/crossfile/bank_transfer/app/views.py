from flask import Blueprint, jsonify, request
from flask_login import login_required

from app.db import get_db
from app.services import TransferService

transfers = Blueprint("transfers", __name__)


@transfers.get("/accounts/<int:account_id>/transfers")
@login_required
def list_transfers(account_id):
    counterparty = request.args.get("counterparty", "")
    service = TransferService(get_db())
    return jsonify(service.recent_transfers(account_id, counterparty))
