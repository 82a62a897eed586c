import base64
import pickle
import zlib


def dump_basket(items):
    return base64.urlsafe_b64encode(zlib.compress(pickle.dumps(items))).decode()


def load_basket(token):
    if not token:
        return []
    raw = zlib.decompress(base64.urlsafe_b64decode(token))
    return pickle.loads(raw)  # sink: 502
