from flask import Blueprint, render_template_string, request
from flask_login import current_user, login_required

merchant = Blueprint("merchant", __name__, url_prefix="/merchant")

DEFAULT_TEMPLATE = "<p>Thank you for shopping at {{ merchant }}: {{ amount }} {{ currency }}</p>"


@merchant.post("/receipt-preview")
@login_required
def receipt_preview():
    template = request.form.get("template", DEFAULT_TEMPLATE)
    sample = {"merchant": current_user.merchant_name, "amount": "42.00", "currency": "EUR"}
    return render_template_string(template, **sample)  # sink: 94  # sink: 79
