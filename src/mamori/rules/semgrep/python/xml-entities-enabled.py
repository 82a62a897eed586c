"""Labelled examples for mamori.python.xml-entities-enabled (CWE-611)."""

import xml.sax
from xml.sax.handler import feature_external_ges

from lxml import etree


def lxml_parser():
    # ruleid: mamori.python.xml-entities-enabled
    return etree.XMLParser(resolve_entities=True)


def lxml_network():
    # ruleid: mamori.python.xml-entities-enabled
    return etree.XMLParser(no_network=False)


def sax_parser():
    parser = xml.sax.make_parser()
    # ruleid: mamori.python.xml-entities-enabled
    parser.setFeature(feature_external_ges, True)
    return parser


def hardened_lxml():
    # ok: mamori.python.xml-entities-enabled
    return etree.XMLParser(resolve_entities=False, no_network=True)


def hardened_sax():
    parser = xml.sax.make_parser()
    # ok: mamori.python.xml-entities-enabled
    parser.setFeature(feature_external_ges, False)
    return parser
