import os
import pickle

CACHE_DIR = "/var/cache/fxshop/baskets"


def load_basket(basket_id: int):
    path = os.path.join(CACHE_DIR, f"{basket_id}.pkl")
    if not os.path.exists(path):
        return []
    with open(path, "rb") as fh:  # safe: 22
        return pickle.load(fh)  # safe: 502


def save_basket(basket_id: int, items) -> None:
    with open(os.path.join(CACHE_DIR, f"{basket_id}.pkl"), "wb") as fh:
        pickle.dump(items, fh)
