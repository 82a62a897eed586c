"""Generate the systematic part of the labelled taint corpus (tests/corpus/taint/generated/).

Run ``python tests/analysers/taint/gen_corpus.py`` to rewrite it. Each sink is exercised from
rotating sources (Flask, Django, FastAPI, CLI) through rotating string-building and container
transforms (vulnerable), and behind rotating generic and sink-specific defences (safe). The
hand-written, trickier cases live next to it in ``tests/corpus/taint/cases/``.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "corpus" / "taint" / "generated"

SOURCES = {
    "flask": (
        "from flask import Flask, request\n\napp = Flask(__name__)\n",
        '@app.route("/run", methods=["POST"])\ndef handler():\n    data = request.{attr}\n',
        [
            'args.get("q")',
            'form["q"]',
            "get_json()",
            'cookies.get("q")',
            'headers["X-Q"]',
            'values.get("q")',
        ],
    ),
    "django": (
        "from django.http import JsonResponse\n",
        "def view(request):\n    data = request.{attr}\n",
        ['GET.get("q")', 'POST["q"]', 'COOKIES.get("q")', 'META["HTTP_X_Q"]', "body"],
    ),
    "fastapi": (
        "from fastapi import FastAPI\n\napp = FastAPI()\n",
        '@app.get("/items/{{data}}")\ndef handler(data: str):\n    data = data{attr}\n',
        ["", ".strip()"],
    ),
    "cli": (
        "import sys\n",
        "def main():\n    data = {attr}\n",
        ["input()", "sys.argv[1]"],
    ),
}

VULN_TRANSFORMS = {
    "direct": "v = data",
    "concat": 'v = "prefix-" + data',
    "fstring": 'v = f"prefix-{data}"',
    "format": 'v = "prefix-{}".format(data)',
    "percent": 'v = "prefix-%s" % data',
    "join": 'v = "-".join(["prefix", data])',
    "dictkey": 'box = {"key": data, "other": "fixed"}\nv = box["key"]',
    "tupleidx": 'pair = ("fixed", data)\nv = pair[1]',
    "helper": "v = build(data)",
    "augassign": 'v = "prefix-"\nv += data',
    "branch": 'v = "fixed"\nif len(data) > 3:\n    v = data',
    "loop": 'v = ""\nfor part in data.split(","):\n    v = v + part',
}

SAFE_TRANSFORMS = {
    "constant": 'v = "fixed-value"',
    "reassigned": 'v = data\nv = "fixed-value"',
    "deadternary": 'v = "fixed-value" if 3 * 7 > 5 else data',
    "iffalse": 'v = "fixed-value"\nif False:\n    v = data',
    "otherkey": 'box = {"key": data, "other": "fixed-value"}\nv = box["other"]',
    "otheridx": 'pair = ("fixed-value", data)\nv = pair[0]',
    "intconv": "v = str(int(data))",
    "allowlist": 'v = data\nif v not in ALLOWED:\n    raise ValueError("not allowed")',
    "allowlist_if": 'v = "fixed-value"\nif data in ALLOWED:\n    v = data',
    "uuid": "v = str(uuid.UUID(data))",
    "helper_ignores": "v = constant_of(data)",
    "constfold": 'mode = "debug" * 0\nv = data if mode else "fixed-value"',
}

PRELUDE = (
    'import uuid\n\nALLOWED = {"alpha", "beta"}\n\n\n'
    'def build(x):\n    return "prefix-" + x\n\n\n'
    'def constant_of(x):\n    return "fixed-value"\n'
)

# cwe, name, imports, sink lines (last is the sink), sink-specific safe variant (None: none)
SINKS: list[tuple[int, str, str, str, str | None]] = [
    (
        89,
        "sqlite_execute",
        "import sqlite3",
        'cur = sqlite3.connect("app.db").cursor()\ncur.execute(v)',
        'cur = sqlite3.connect("app.db").cursor()\n'
        'cur.execute("SELECT * FROM t WHERE name = ?", (data,))',
    ),
    (
        89,
        "psycopg_executemany",
        "import psycopg2",
        'conn = psycopg2.connect("")\nconn.cursor().executemany(v, [])',
        'conn = psycopg2.connect("")\n'
        'conn.cursor().executemany("INSERT INTO t VALUES (%s)", [(data,)])',
    ),
    (
        89,
        "sqlalchemy_text",
        "from sqlalchemy import text",
        "stmt = text(v)",
        'stmt = text("SELECT * FROM t WHERE name = :n").bindparams(n=data)',
    ),
    (
        89,
        "django_raw",
        "from shop.models import Order",
        "rows = Order.objects.raw(v)",
        'rows = Order.objects.raw("SELECT * FROM t WHERE id = %s", [data])',
    ),
    (
        89,
        "pymysql_execute",
        "import pymysql",
        "db = pymysql.connect()\ndb.cursor().execute(v)",
        'db = pymysql.connect()\ndb.cursor().execute("SELECT 1 WHERE a = %s", (data,))',
    ),
    (
        78,
        "os_system",
        "import os\nimport shlex",
        "os.system(v)",
        'os.system("ls " + shlex.quote(data))',
    ),
    (
        78,
        "os_popen",
        "import os\nimport shlex",
        "out = os.popen(v)",
        "out = os.popen(shlex.quote(data))",
    ),
    (
        78,
        "subprocess_shell",
        "import subprocess",
        "subprocess.run(v, shell=True)",
        'subprocess.run(["ls", data], shell=False)',
    ),
    (
        78,
        "subprocess_argv0",
        "import subprocess",
        'subprocess.Popen([v, "--help"])',
        'subprocess.Popen(["ls", "-l", data])',
    ),
    (
        78,
        "check_output",
        "import subprocess\nimport shlex",
        "subprocess.check_output(v, shell=True)",
        'subprocess.check_output("grep " + shlex.quote(data), shell=True)',
    ),
    (95, "eval", "import ast", "result = eval(v)", "result = ast.literal_eval(data)"),
    (94, "exec", "", "exec(v)", None),
    (94, "compile", "", 'code = compile(v, "<input>", "exec")', None),
    (502, "pickle_loads", "import pickle", "obj = pickle.loads(v)", None),
    (
        502,
        "yaml_load",
        "import yaml",
        "obj = yaml.load(v)",
        "obj = yaml.load(data, Loader=yaml.SafeLoader)",
    ),
    (
        502,
        "yaml_unsafe_loader",
        "import yaml",
        "obj = yaml.load(v, Loader=yaml.Loader)",
        "obj = yaml.safe_load(data)",
    ),
    (502, "marshal_loads", "import marshal", "obj = marshal.loads(v)", None),
    (
        502,
        "jsonpickle_decode",
        "import jsonpickle\nimport json",
        "obj = jsonpickle.decode(v)",
        "obj = json.loads(data)",
    ),
    (502, "shelve_open", "import shelve", "db = shelve.open(v)", None),
    (
        22,
        "open",
        "import os",
        "fh = open(v)",
        'fh = open(os.path.join("/srv/files", os.path.basename(data)))',
    ),
    (22, "os_remove", "import os", "os.remove(v)", "os.remove(os.path.basename(data))"),
    (
        22,
        "shutil_rmtree",
        "import shutil\nimport os",
        "shutil.rmtree(v)",
        "shutil.rmtree(os.path.basename(data))",
    ),
    (
        22,
        "send_file",
        "from flask import send_file\nfrom werkzeug.utils import secure_filename",
        "resp = send_file(v)",
        "resp = send_file(secure_filename(data))",
    ),
    (
        22,
        "codecs_open",
        "import codecs\nimport os",
        'fh = codecs.open(v, "r")',
        'fh = codecs.open(os.path.basename(data), "r")',
    ),
    (601, "flask_redirect", "from flask import redirect", "resp = redirect(v)", None),
    (
        601,
        "django_redirect",
        "from django.http import HttpResponseRedirect\n"
        "from django.utils.http import url_has_allowed_host_and_scheme",
        "resp = HttpResponseRedirect(v)",
        'if url_has_allowed_host_and_scheme(data, allowed_hosts={"bank.example"}):\n'
        "    resp = HttpResponseRedirect(data)",
    ),
    (
        79,
        "markup",
        "from markupsafe import Markup, escape",
        'html = Markup("<b>" + v + "</b>")',
        'html = Markup("<b>" + escape(data) + "</b>")',
    ),
    (
        79,
        "render_template_string",
        "from flask import render_template_string\nimport html",
        'page = render_template_string("<p>" + v + "</p>")',
        'page = render_template_string("<p>" + html.escape(data) + "</p>")',
    ),
    (
        79,
        "make_response",
        "from flask import make_response\nimport html",
        'resp = make_response("<h1>" + v + "</h1>")',
        'resp = make_response("<h1>" + html.escape(data) + "</h1>")',
    ),
    (
        79,
        "django_httpresponse",
        "from django.http import HttpResponse\nfrom django.utils.html import escape",
        'resp = HttpResponse("<p>%s</p>" % v)',
        'resp = HttpResponse("<p>%s</p>" % escape(data))',
    ),
    (
        90,
        "ldap_search",
        "import ldap\nfrom ldap.filter import escape_filter_chars",
        'conn = ldap.initialize("ldap://dir")\n'
        'res = conn.search_s("dc=bank", ldap.SCOPE_SUBTREE, "(uid=" + v + ")")',
        'conn = ldap.initialize("ldap://dir")\n'
        'res = conn.search_s("dc=bank", ldap.SCOPE_SUBTREE,'
        ' "(uid=" + escape_filter_chars(data) + ")")',
    ),
    (
        643,
        "lxml_xpath",
        "from lxml import etree",
        'tree = etree.parse("accounts.xml")\nnodes = tree.xpath("//user[@name=\'" + v + "\']")',
        'tree = etree.parse("accounts.xml")\nnodes = tree.xpath("//user[@name=$n]", n=data)',
    ),
    (
        611,
        "lxml_fromstring",
        "from lxml import etree",
        "parser = etree.XMLParser(resolve_entities=True)\ndoc = etree.fromstring(v, parser)",
        "parser = etree.XMLParser(resolve_entities=False)\ndoc = etree.fromstring(data, parser)",
    ),
    (611, "minidom", "from xml.dom import minidom", "doc = minidom.parseString(v)", None),
    (
        918,
        "requests_get",
        "import requests",
        "resp = requests.get(v)",
        'resp = requests.get("https://api.bank.example/items", params={"q": data})',
    ),
    (
        918,
        "httpx_post",
        "import httpx",
        "resp = httpx.post(v, json={})",
        'resp = httpx.post("https://api.bank.example/items", json={"q": data})',
    ),
    (
        918,
        "urlopen",
        "import urllib.request",
        "resp = urllib.request.urlopen(v)",
        'resp = urllib.request.urlopen("https://api.bank.example/?q=" + str(int(data)))',
    ),
    (
        501,
        "flask_session",
        "from flask import session",
        'session["user"] = v',
        'session["user"] = "anonymous" if data else "guest"',
    ),
]


ALSO_MARKED: dict[str, tuple[int, bool]] = {
    # the data builds the template's *source*: server-side template injection as well as XSS,
    # and escaping it for HTML does not stop the template syntax ({{ ... }}) it may carry
    "render_template_string": (1336, False),
}
"""Sinks that are a second weakness too: its CWE, and whether the sink-specific safe variant
defends against it as well."""


def _marker(kind: str, cwe: int, name: str, specific: bool = False) -> str:
    """The label(s) of a case's sink line (``kind``: sink or safe)."""
    marker = f"{kind}: {cwe}"
    if name in ALSO_MARKED:
        other, defended = ALSO_MARKED[name]
        marker += f"  # {'sink' if specific and not defended else kind}: {other}"
    return marker


def _indent(block: str, n: int = 4) -> str:
    return textwrap.indent(block, " " * n)


def _case(
    source: str, attr_index: int, imports: str, transform: str, sink: str, marker: str
) -> str:
    header, entry, attrs = SOURCES[source]
    lines = sink.splitlines()
    lines[-1] += f"  # {marker}"
    body = _indent(transform + "\n" + "\n".join(lines))
    if marker.startswith("safe") and "v" not in sink.replace("data", ""):
        body = _indent("\n".join(lines))
    entry = entry.format(attr=attrs[attr_index % len(attrs)])
    return (
        "# ruff: noqa\n"
        + (imports + "\n" if imports else "")
        + header
        + "\n"
        + PRELUDE
        + "\n\n"
        + entry
        + body
        + "\n    return None\n"
    )


def generate() -> int:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    vuln, safe = list(VULN_TRANSFORMS.items()), list(SAFE_TRANSFORMS.items())
    sources = list(SOURCES)
    count = 0
    for i, (cwe, name, imports, sink, specific) in enumerate(SINKS):
        for j in range(4):
            src = sources[(i + j) % len(sources)]
            tname, transform = vuln[(i * 4 + j) % len(vuln)]
            text = _case(src, i + j, imports, transform, sink, _marker("sink", cwe, name))
            (OUT / f"vuln_{cwe}_{name}_{src}_{tname}.py").write_text(text)
            count += 1
        for j in range(2):
            src = sources[(i + j + 1) % len(sources)]
            tname, transform = safe[(i * 2 + j) % len(safe)]
            text = _case(src, i + j, imports, transform, sink, _marker("safe", cwe, name))
            (OUT / f"safe_{cwe}_{name}_{src}_{tname}.py").write_text(text)
            count += 1
        if specific is not None:
            src = sources[i % len(sources)]
            text = _case(src, i, imports, "", specific, _marker("safe", cwe, name, True))
            (OUT / f"safe_{cwe}_{name}_{src}_sanitised.py").write_text(text)
            count += 1
    return count


if __name__ == "__main__":
    print(generate(), "cases written to", OUT)  # noqa: T201
