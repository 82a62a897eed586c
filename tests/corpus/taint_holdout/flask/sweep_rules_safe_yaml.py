import yaml
from flask import Blueprint, jsonify, request
from flask_security import roles_required

treasury = Blueprint("treasury_rules", __name__)


def _validate(rules):
    return [r for r in rules if isinstance(r, dict) and {"from", "to", "threshold"} <= set(r)]


@treasury.post("/treasury/rules/upload")
@roles_required("treasury-admin")
def upload_rules():
    upload = request.files["rules"]
    rules = yaml.safe_load(upload.stream) or []  # safe: 502
    return jsonify(valid=len(_validate(rules)))


@treasury.post("/treasury/rules/preview")
@roles_required("treasury-admin")
def preview_rules():
    text = request.get_data(as_text=True)
    rules = yaml.load(text, Loader=yaml.SafeLoader) or []  # safe: 502
    return jsonify(rules=_validate(rules))
