from flask import Blueprint, redirect, request, url_for
from flask_login import login_required

from web.prefs import remember_preference

bp = Blueprint("web_prefs", __name__)


@bp.post("/preferences/home-branch")
@login_required
def set_home_branch():
    remember_preference("branch", request.form["branch"])
    return redirect(url_for("dashboard.index"))
