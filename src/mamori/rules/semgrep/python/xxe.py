"""Labelled examples for mamori.python.xxe (CWE-611)."""

import sys
import xml.etree.ElementTree as ET
from xml.dom import minidom

import defusedxml.ElementTree as SafeET
from flask import request
from lxml import etree


def upload():
    body = request.get_data()
    # ruleid: mamori.python.xxe
    return ET.fromstring(body)


def lxml_upload():
    # ruleid: mamori.python.xxe
    return etree.fromstring(request.files["statement"].read())


def minidom_cli():
    # ruleid: mamori.python.xxe
    return minidom.parse(sys.argv[1])


def defused():
    # ok: mamori.python.xxe
    return SafeET.fromstring(request.get_data())


def hardened_parser():
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    # ok: mamori.python.xxe
    return etree.fromstring(request.get_data(), parser=parser)


def trusted_file():
    # ok: mamori.python.xxe
    return ET.parse("/etc/mamori/config.xml")
