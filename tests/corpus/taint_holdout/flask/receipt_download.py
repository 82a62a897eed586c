import os

from flask import Blueprint, abort, request, send_file
from flask_login import login_required

receipts = Blueprint("receipts", __name__)

RECEIPT_ROOT = "/srv/bank/receipts"


@receipts.route("/receipts/download")
@login_required
def download_receipt():
    name = request.args.get("file")
    if not name:
        abort(400)
    path = os.path.join(RECEIPT_ROOT, name)
    if not os.path.exists(path):
        abort(404)
    return send_file(path, as_attachment=True)  # sink: 22
