from flask import Blueprint, flash, redirect, request, url_for
from flask_login import login_user
from werkzeug.security import check_password_hash

from bankapp.models import User

auth = Blueprint("auth", __name__)


@auth.post("/login")
def login():
    username = request.form.get("username", "")
    password = request.form.get("password", "")
    user = User.query.filter_by(username=username).first()
    if user is None or not check_password_hash(user.password_hash, password):
        flash("Invalid credentials")
        return redirect(url_for("auth.login_form"))
    login_user(user)
    target = request.args.get("next") or url_for("dashboard.index")
    return redirect(target)  # sink: 601
