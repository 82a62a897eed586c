from flask import Blueprint, render_template, request
from markupsafe import Markup

home = Blueprint("home", __name__)


@home.route("/welcome")
def welcome():
    nickname = request.args.get("nickname", "customer")
    banner = Markup(f"<h2 class='greeting'>Welcome back, {nickname}!</h2>")  # sink: 79
    return render_template("welcome.html", banner=banner)
