from decimal import Decimal

from flask import Blueprint, render_template, request
from flask_login import login_required

from ui.formatting import render_memo

payments = Blueprint("payments_ui", __name__)


@payments.post("/payments/confirm")
@login_required
def confirm():
    amount = Decimal(request.form["amount"])
    memo_html = render_memo(request.form.get("memo", ""))
    return render_template("payments/confirm.html", amount=amount, memo=memo_html)
