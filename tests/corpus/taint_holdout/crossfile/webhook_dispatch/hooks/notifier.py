import hashlib
import hmac
import json
import time

import requests


class WebhookNotifier:
    def __init__(self, endpoint, secret):
        self.endpoint = endpoint
        self.secret = secret.encode()

    def send_test(self):
        body = json.dumps({"type": "ping", "sent_at": int(time.time())}).encode()
        return self._post(body)

    def _post(self, body):
        signature = hmac.new(self.secret, body, hashlib.sha256).hexdigest()
        return requests.post(  # sink: 918
            self.endpoint,
            data=body,
            headers={"Content-Type": "application/json", "X-Signature": signature},
            timeout=5,
        )
