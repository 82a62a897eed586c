import os

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from werkzeug.utils import secure_filename

kyc = Blueprint("kyc_docs", __name__)

KYC_ROOT = "/srv/kyc/incoming"
ALLOWED_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png")


@kyc.route("/kyc/upload", methods=["POST"])
@login_required
def upload():
    document = request.files["document"]
    filename = secure_filename(document.filename or "")
    if not filename or not filename.lower().endswith(ALLOWED_EXTENSIONS):
        abort(400)
    folder = os.path.join(KYC_ROOT, str(current_user.id))
    os.makedirs(folder, exist_ok=True)
    document.save(os.path.join(folder, filename))  # safe: 22
    return jsonify(stored=filename), 201
