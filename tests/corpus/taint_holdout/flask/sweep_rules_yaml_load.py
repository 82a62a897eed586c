import yaml
from flask import Blueprint, jsonify, request
from flask_security import roles_required

from bankapp.treasury import apply_sweep_rules

treasury = Blueprint("treasury", __name__, url_prefix="/treasury")


@treasury.post("/sweep-rules/import")
@roles_required("treasury-admin")
def import_sweep_rules():
    raw = request.get_data()
    rules = yaml.load(raw, Loader=yaml.Loader)  # sink: 502
    if not isinstance(rules, list):
        return jsonify(error="expected a list of rules"), 400
    applied = apply_sweep_rules(rules)
    return jsonify(applied=applied)
