from decimal import Decimal

from flask import Blueprint, jsonify, request
from flask_security import roles_required

pricing = Blueprint("pricing", __name__, url_prefix="/admin/fees")


@pricing.post("/simulate")
@roles_required("product-admin")
def simulate_fee():
    body = request.get_json()
    formula = body.get("formula", "amount * Decimal('0.01')")
    amount = Decimal(str(body.get("amount", "100")))
    env = {"__builtins__": {}, "Decimal": Decimal, "min": min, "max": max}
    fee = eval(formula, env, {"amount": amount})  # sink: 95
    return jsonify(fee=str(fee))
