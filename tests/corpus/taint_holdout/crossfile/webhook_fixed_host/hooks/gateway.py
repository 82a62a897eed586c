import requests

NOTIFY_GATEWAY = "https://notify.internal.examplebank.net"


class NotifyGateway:
    def __init__(self, base=NOTIFY_GATEWAY):
        self.base = base

    def publish(self, merchant_id, event, payload):
        url = f"{self.base}/merchants/{merchant_id}/events"
        return requests.post(url, json={"event": event, "payload": payload}, timeout=5)  # safe: 918
