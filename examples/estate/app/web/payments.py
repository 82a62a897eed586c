"""Customer-facing pages: dashboard, beneficiary check, history search, transfers, receipts."""

from __future__ import annotations

import logging
from decimal import Decimal

from flask import Blueprint, abort, jsonify, render_template, render_template_string, request
from markupsafe import Markup

from app.auth import tokens
from app.integrations import fx_rates
from app.repositories import accounts, transactions
from app.services import transfers
from app.util.money import AmountError, display, parse_amount
from app.util.preferences import COOKIE_NAME, load_preferences
from app.web.common import current_customer_id, login_required

log = logging.getLogger(__name__)

bp = Blueprint("payments", __name__, url_prefix="/payments")

RECEIPT_TEMPLATE = """
<section class="receipt">
  <h2>Transfer accepted</h2>
  <p>{{ amount }} to {{ payee }}</p>
</section>
"""


@bp.get("/")
@login_required
def dashboard():
    customer_id = current_customer_id()
    prefs = load_preferences(request.cookies.get(COOKIE_NAME))
    sort = request.args.get("sort", "opened")
    return render_template(
        "dashboard.html",
        accounts=accounts.list_for_customer(customer_id, sort),
        prefs=prefs,
    )


@bp.get("/beneficiary")
@login_required
def beneficiary_check():
    """Show the account holder's status before the customer confirms a transfer."""
    account = accounts.find_by_iban(request.args.get("iban", ""))
    if account is None:
        return jsonify(found=False), 404
    return jsonify(found=True, currency=account.currency, status=account.status)


@bp.get("/accounts/<int:account_id>/search")
@login_required
def search_history(account_id: int):
    if not accounts.owns_account(current_customer_id(), account_id):
        abort(404)
    entries = transactions.search(account_id, request.args.get("q", ""))
    return render_template("history.html", entries=entries, account_id=account_id)


@bp.post("/transfers")
@login_required
def create_transfer():
    form = request.form
    try:
        amount = parse_amount(form["amount"], "JPY")
    except (KeyError, AmountError) as e:
        return jsonify(error=str(e)), 400
    req = transfers.TransferRequest(
        customer_id=current_customer_id(),
        source_account_id=int(form["source_account"]),
        beneficiary_iban=form["beneficiary_iban"],
        amount=amount,
        memo=form.get("memo", "")[:140],
    )
    try:
        booking = transfers.book(req)
    except transfers.TransferError as e:
        return jsonify(error=str(e)), 422
    otp = tokens.new_transfer_otp()
    log.info("transfer %s pending SMS confirmation", booking.entry_id)
    return jsonify(entry=booking.entry_id, fee=str(booking.fee), otp_expires=otp.expires_at)


@bp.get("/fx-quote")
@login_required
def fx_quote():
    currency = request.args.get("currency", "USD").upper()
    try:
        quotes = fx_rates.correspondent_rates(currency)
    except (fx_rates.RatesUnavailable, OSError):
        return jsonify(error="rates unavailable"), 503
    quote = quotes.get(currency)
    return jsonify(currency=currency, ask=str(quote.ask) if quote else None)


@bp.get("/receipt")
@login_required
def receipt():
    payee = request.args.get("payee", "")
    amount = display(Decimal(request.args.get("amount", "0")), "JPY")
    return render_template_string("<h2>Transfer sent</h2><p>" + amount + " to " + payee + "</p>")


@bp.get("/receipt/v2")
@login_required
def receipt_v2():
    payee = request.args.get("payee", "")
    amount = display(Decimal(request.args.get("amount", "0")), "JPY")
    banner = Markup("<strong>{}</strong> to {}").format(amount, payee)
    return render_template("receipt.html", banner=banner)


@bp.get("/receipt/v3")
@login_required
def receipt_v3():
    payee = request.args.get("payee", "")
    amount = display(Decimal(request.args.get("amount", "0")), "JPY")
    return render_template_string(RECEIPT_TEMPLATE, amount=amount, payee=payee)
