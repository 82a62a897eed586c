"""Import of ISO 20022 files from the clearing house: camt.053 statements and pain.002 reports.

camt.053 files arrive over the clearing house's SFTP drop and are parsed with defusedxml.
pain.002 status reports are pushed by the payment hub to ``/api/hub/status`` and were wired
up in a hurry with lxml during the 2023 hub migration.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import defusedxml.ElementTree as SafeET
from lxml import etree

CAMT_NS = {"c": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"}
PAIN_NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"}


@dataclass(frozen=True)
class StatementLine:
    reference: str
    amount: Decimal
    currency: str
    credit: bool


@dataclass(frozen=True)
class PaymentStatus:
    end_to_end_id: str
    status: str
    reason: str


def parse_camt053(document: bytes) -> list[StatementLine]:
    """Booked entries of a camt.053 bank-to-customer statement."""
    root = SafeET.fromstring(document)
    lines = []
    for entry in root.iterfind(".//c:Ntry", CAMT_NS):
        amount = entry.find("c:Amt", CAMT_NS)
        if amount is None or amount.text is None:
            continue
        lines.append(
            StatementLine(
                reference=entry.findtext("c:NtryRef", default="", namespaces=CAMT_NS),
                amount=Decimal(amount.text),
                currency=amount.get("Ccy", "JPY"),
                credit=entry.findtext("c:CdtDbtInd", namespaces=CAMT_NS) == "CRDT",
            )
        )
    return lines


def parse_pain002(document: bytes) -> list[PaymentStatus]:
    """Per-transaction status of a pain.002 payment status report."""
    root = etree.fromstring(document, etree.XMLParser(resolve_entities=True, no_network=False))
    statuses = []
    for tx in root.iterfind(".//p:TxInfAndSts", namespaces=PAIN_NS):
        statuses.append(
            PaymentStatus(
                end_to_end_id=tx.findtext("p:OrgnlEndToEndId", default="", namespaces=PAIN_NS),
                status=tx.findtext("p:TxSts", default="", namespaces=PAIN_NS),
                reason=tx.findtext(".//p:Rsn/p:Cd", default="", namespaces=PAIN_NS),
            )
        )
    return statuses
