from flask import Blueprint, jsonify, request, session

ui = Blueprint("ui", __name__)

THEMES = ("light", "dark", "high-contrast")


@ui.post("/preferences/theme")
def set_theme():
    theme = request.form.get("theme", "light")
    if theme not in THEMES:
        return jsonify(error="unknown theme"), 400
    session["theme"] = theme  # safe: 501
    return jsonify(theme=theme)
