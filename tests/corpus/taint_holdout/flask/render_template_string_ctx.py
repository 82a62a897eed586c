from decimal import Decimal, InvalidOperation

from flask import Blueprint, abort, render_template_string, request

payments = Blueprint("payments", __name__)

RECEIPT_TEMPLATE = """
<h1>Payment sent</h1>
<p>{{ amount }} {{ currency }} to {{ payee }}</p>
<p>Reference: {{ reference }}</p>
"""


@payments.post("/payments/receipt")
def payment_receipt():
    payee = request.form["payee"]
    reference = request.form.get("reference", "")
    try:
        amount = Decimal(request.form["amount"])
    except InvalidOperation:
        abort(400)
    return render_template_string(  # safe: 94  # safe: 79
        RECEIPT_TEMPLATE, payee=payee, reference=reference, amount=amount, currency="EUR"
    )
