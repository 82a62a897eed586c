from flask import Blueprint, abort, jsonify, request, session

from fxshop import cache

bp = Blueprint("fx_basket", __name__, url_prefix="/fx/basket")


@bp.get("/")
def show_basket():
    try:
        basket_id = int(request.cookies.get("basket_id", "0"))
    except ValueError:
        abort(400)
    if basket_id != session.get("basket_id"):
        abort(403)
    items = cache.load_basket(basket_id)
    return jsonify(items=items)
