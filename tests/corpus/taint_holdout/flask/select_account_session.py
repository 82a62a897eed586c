from flask import Blueprint, jsonify, request, session
from flask_login import current_user, login_required

from bankapp.models import Account

accounts = Blueprint("accounts", __name__)


@accounts.post("/accounts/select")
@login_required
def select_account():
    number = request.form["account_number"]
    account = Account.query.filter_by(number=number, owner_id=current_user.id).first_or_404()
    session["active_account_id"] = account.id  # safe: 501
    return jsonify(active=account.id)
