import os

from flask import Blueprint, jsonify, request
from flask_login import login_required

kyc = Blueprint("kyc", __name__)

KYC_ROOT = "/srv/kyc/incoming"


@kyc.post("/kyc/documents")
@login_required
def upload_kyc_document():
    doc = request.files.get("document")
    if doc is None or doc.filename == "":
        return jsonify(error="no file"), 400
    customer_id = int(request.form["customer_id"])
    target_dir = os.path.join(KYC_ROOT, str(customer_id))
    os.makedirs(target_dir, exist_ok=True)
    doc.save(os.path.join(target_dir, doc.filename))  # sink: 22
    return jsonify(status="stored"), 201
