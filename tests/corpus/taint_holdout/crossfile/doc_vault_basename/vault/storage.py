import os

DOCS_ROOT = "/srv/vault/documents"


class DocumentStore:
    def __init__(self, root=DOCS_ROOT):
        self.root = root

    def _path_for(self, customer_id, name):
        return os.path.join(self.root, str(customer_id), os.path.basename(name))

    def read(self, customer_id, name):
        path = self._path_for(customer_id, name)
        if not path.endswith(".pdf") or not os.path.isfile(path):
            raise FileNotFoundError(name)
        with open(path, "rb") as fh:  # safe: 22
            return fh.read()
