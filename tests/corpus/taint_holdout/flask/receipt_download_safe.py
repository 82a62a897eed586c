from flask import Blueprint, current_app, send_from_directory
from flask_login import current_user, login_required

receipts = Blueprint("receipts", __name__, url_prefix="/receipts")


@receipts.get("/<path:filename>")
@login_required
def receipt(filename):
    folder = current_app.config["RECEIPT_ROOT"] + "/" + str(current_user.customer_id)
    # send_from_directory joins with werkzeug.security.safe_join and 404s on escapes
    return send_from_directory(folder, filename, as_attachment=True)  # safe: 22
