from decimal import Decimal

from lxml import etree

NS = {"c": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"}


def _parser():
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def parse_entries(data):
    root = etree.fromstring(data, _parser())  # safe: 611
    return [
        {"amount": Decimal(a.text), "currency": a.get("Ccy")}
        for a in root.iterfind(".//c:Ntry/c:Amt", NS)
    ]
