from pathlib import Path

DOCS_ROOT = Path("/srv/vault/documents")


def read_document(customer_id: int, name: str) -> bytes:
    path = DOCS_ROOT / str(customer_id) / name
    with open(path, "rb") as fh:  # sink: 22
        return fh.read()
