from flask import Blueprint, abort, jsonify, request
from lxml import etree

branches = Blueprint("branches", __name__)

BRANCH_TREE = etree.parse("/srv/reference/branches.xml")


@branches.get("/branches/opening-hours")
def opening_hours():
    try:
        branch_id = int(request.args["id"])
    except (KeyError, ValueError):
        abort(400)
    hours = BRANCH_TREE.xpath(f"//branch[@id={branch_id}]/hours/day")  # safe: 643
    return jsonify({d.get("name"): d.text for d in hours})
