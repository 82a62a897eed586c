import ast

from flask import Blueprint, jsonify, request
from flask_security import roles_required

pricing = Blueprint("pricing_tiers", __name__)


@pricing.post("/admin/fees/tiers")
@roles_required("product-admin")
def save_tiers():
    # tiers arrive as a Python-literal list such as "[(0, 0.5), (1000, 0.25)]"
    try:
        tiers = ast.literal_eval(request.form["tiers"])  # safe: 95
    except (ValueError, SyntaxError):
        return jsonify(error="invalid tiers"), 400
    if not all(isinstance(t, tuple) and len(t) == 2 for t in tiers):
        return jsonify(error="each tier is (threshold, rate)"), 400
    return jsonify(tiers=sorted(tiers))
