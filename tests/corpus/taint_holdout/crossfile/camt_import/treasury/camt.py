from decimal import Decimal

from lxml import etree

NS = {"c": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"}

# some correspondent banks still ship statements with an internal DTD
PARSER = etree.XMLParser(load_dtd=True, resolve_entities=True, huge_tree=True)


def parse_entries(data):
    root = etree.fromstring(data, parser=PARSER)  # sink: 611
    entries = []
    for ntry in root.iterfind(".//c:Ntry", NS):
        amt = ntry.find("c:Amt", NS)
        entries.append({"amount": Decimal(amt.text), "currency": amt.get("Ccy")})
    return entries
