from flask import Blueprint, jsonify, make_response, request

from fxshop.codec import dump_basket, load_basket

bp = Blueprint("fx_basket", __name__, url_prefix="/fx/basket")


@bp.get("/")
def show_basket():
    items = load_basket(request.cookies.get("basket", ""))
    return jsonify(items=items, count=len(items))


@bp.post("/add")
def add_to_basket():
    items = load_basket(request.cookies.get("basket", ""))
    items.append({"currency": "USD", "amount": "100.00"})
    resp = make_response(jsonify(count=len(items)))
    resp.set_cookie("basket", dump_basket(items), httponly=True, secure=True)
    return resp
