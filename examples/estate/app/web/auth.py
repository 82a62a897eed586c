"""Login, logout and the post-login redirect."""

from __future__ import annotations

import logging

from flask import Blueprint, redirect, render_template, request, session, url_for

from app.auth import passwords, tokens
from app.repositories import customers

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)

# Pages the login form may send a customer back to (endpoint names, not URLs).
_POST_LOGIN_PAGES = {
    "dashboard": "payments.dashboard",
    "transfer": "payments.create_transfer",
    "statements": "statements.index",
}


def _authenticate(customer_no: str, password: str) -> customers.Customer | None:
    customer = customers.by_number(customer_no)
    if customer is None:
        passwords.hash_password(password)  # same work either way: no user enumeration
        return None
    if not passwords.verify_password(password, customer.password_hash, customer.number):
        return None
    if passwords.needs_rehash(customer.password_hash):
        customers.set_password_hash(customer.id, passwords.hash_password(password))
    return customer


def _start_session(customer: customers.Customer) -> None:
    session.clear()
    session["customer_id"] = customer.id
    session["token"] = tokens.new_session_token()


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("login.html", next=request.args.get("next", ""))
    customer = _authenticate(request.form.get("customer_no", ""), request.form.get("password", ""))
    if customer is None:
        log.info("failed login for customer ending %s", request.form.get("customer_no", "")[-3:])
        return render_template("login.html", error="invalid credentials"), 401
    _start_session(customer)
    return redirect(request.args.get("next") or url_for("payments.dashboard"))


@bp.route("/m/login", methods=["POST"])
def mobile_login():
    """Mobile web view: same check, then back to the page the app asked for."""
    customer = _authenticate(request.form.get("customer_no", ""), request.form.get("password", ""))
    if customer is None:
        return render_template("login.html", error="invalid credentials"), 401
    _start_session(customer)
    page = _POST_LOGIN_PAGES.get(request.args.get("page", ""), "payments.dashboard")
    return redirect(url_for(page))


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("auth.login"))
