from flask import Blueprint, redirect, request, session, url_for
from flask_login import login_required

preferences = Blueprint("preferences", __name__)


@preferences.post("/preferences/branch")
@login_required
def choose_branch():
    branch = request.form["branch_code"].strip()
    session["branch_code"] = branch  # sink: 501
    return redirect(url_for("dashboard.index"))
