from flask import Blueprint, abort, redirect, request, session, url_for
from flask_login import current_user, login_required

from bankapp.mfa import verify_totp

mfa = Blueprint("mfa", __name__)


def _post_login_target():
    candidate = request.values.get("next")
    return candidate or url_for("accounts.overview")


@mfa.route("/mfa/verify", methods=["POST"])
@login_required
def verify_mfa():
    if not verify_totp(current_user.totp_secret, request.form.get("code", "")):
        abort(401)
    session["mfa_ok"] = True
    return redirect(_post_login_target())  # sink: 601
