from flask import Blueprint, flash, redirect, request, url_for
from flask_login import login_user
from werkzeug.security import check_password_hash

from bankapp.models import User

auth = Blueprint("auth", __name__)

LANDING_PAGES = {"/dashboard", "/accounts", "/payments/new", "/cards"}


@auth.route("/login", methods=["POST"])
def login():
    user = User.query.filter_by(username=request.form["username"]).first()
    if not user or not check_password_hash(user.password_hash, request.form["password"]):
        flash("Invalid credentials")
        return redirect(url_for("auth.login_form"))
    login_user(user, remember=False)

    target = request.args.get("next", "/dashboard")
    if target not in LANDING_PAGES:
        target = "/dashboard"
    return redirect(target)  # safe: 601
