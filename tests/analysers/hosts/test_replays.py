"""Elasticsearch/OpenSearch and MongoDB against TRANSCRIPT REPLAYS — not real servers.

Neither is packaged for Debian, so unlike test_services.py these tests cannot start the real
thing. A loopback server (replay.py) answers with replies taken from real servers (the labelled
transcripts under examples/, each saying where its bytes come from) and records every request
it gets. What passes here is bounded by those transcripts: the scanner identifies these
replies, reports the open variants, stays quiet on the ones that demand credentials, and sends
nothing but the read-only requests it claims to.
"""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from analysers.hosts.replay import HttpReplay, MongoReplay, Replay, bson, serving
from analysers.hosts.servers import EXAMPLES, expected_ids, make_cert, scan_host
from mamori.analysers.hosts import _bson
from mamori.analysers.hosts.checks_unauth import ELASTICSEARCH, MONGODB, check_unauth
from mamori.analysers.hosts.discovery import run
from mamori.analysers.hosts.probes import identify
from mamori.model import CweId, Severity

# transcript → (service it must be identified as, 127.0.0.x address the replay listens on)
CASES = {
    "vulnerable/elasticsearch8_open.http": ("elasticsearch", "127.0.0.50"),
    "safe/elasticsearch8_security.http": ("elasticsearch", "127.0.0.51"),
    "vulnerable/opensearch2_open.http": ("elasticsearch", "127.0.0.52"),
    "safe/opensearch2_security.http": ("elasticsearch", "127.0.0.53"),
    "vulnerable/mongodb7_noauth.ejson": ("mongodb", "127.0.0.54"),
    "safe/mongodb7_auth.ejson": ("mongodb", "127.0.0.55"),
}
_MONGO_READ_ONLY = {"GET", "OP_QUERY isMaster", "OP_MSG listDatabases"}


def _replay(example: Path, addr: str) -> Replay:
    return HttpReplay(example, addr) if example.suffix == ".http" else MongoReplay(example, addr)


def _read_only(seen: list[str], mongodb: bool) -> bool:
    if mongodb:
        return set(seen) <= _MONGO_READ_ONLY
    methods_paths = [entry.split(" ", 1) for entry in seen]
    return all(m in ("GET", "OPTIONS") and not p.startswith("/_") for m, p in methods_paths)


def test_every_transcript_is_exercised() -> None:
    files = {str(p.relative_to(EXAMPLES)) for p in EXAMPLES.rglob("*")
             if p.suffix in (".http", ".ejson")}  # fmt: skip
    assert files == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_transcript_replay_labelled_example(name: str) -> None:
    """Transcript replay, not a real server: a full scan (discovery, identification, checks)
    reports exactly the transcript's ``# expect:`` ids, and sends read-only requests only."""
    service_name, addr = CASES[name]
    example = EXAMPLES / name
    with serving(_replay(example, addr)) as server:
        service = run(identify(addr, server.port, timeout=3.0))
        findings, skipped = scan_host(addr, server.port)
    assert service.name == service_name, service
    assert skipped == []
    assert {f.rule_id for f in findings} == expected_ids(example)
    for f in findings:
        assert (f.location.host, f.location.port) == (addr, server.port)
        assert f.evidence and len(f.evidence) <= 600
    assert server.seen and _read_only(server.seen, service_name == "mongodb"), server.seen


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("vulnerable/elasticsearch8_open.http", ("Elasticsearch", "8.15.0", "elasticsearch")),
        ("vulnerable/opensearch2_open.http", ("OpenSearch", "2.4.0", "opensearch-cluster")),
        ("safe/elasticsearch8_security.http", None),
        ("safe/opensearch2_security.http", None),
    ],
)
def test_elasticsearch_check_sends_only_get_root(
    name: str, expected: tuple[str, str, str] | None
) -> None:
    """Transcript replay, not a real server: the check asks ``GET /`` and nothing else, reports
    an open cluster with its product, version and name, and nothing behind a 401 challenge."""
    with serving(HttpReplay(EXAMPLES / name, "127.0.0.56")) as server:
        hits = run(check_unauth("127.0.0.56", server.port, "elasticsearch", 3.0))
    assert server.seen == ["GET /"]
    if expected is None:
        assert hits == []
        return
    [hit] = hits
    assert (hit.check, hit.check.severity, hit.check.cwe) == (ELASTICSEARCH, Severity.HIGH,
                                                                CweId(306))  # fmt: skip
    product, version, cluster = expected
    assert hit.properties == {"product": product, "version": version, "cluster_name": cluster}
    assert hit.evidence.startswith("GET / (no credentials) -> HTTP/1.1 200 OK; {")
    assert f'"cluster_name":"{cluster}"' in hit.evidence


def test_secured_elasticsearch_is_identified_from_its_401() -> None:
    """Transcript replay, not a real server: Elasticsearch 8's 401 still names the service."""
    example = EXAMPLES / "safe/elasticsearch8_security.http"
    with serving(HttpReplay(example, "127.0.0.57")) as server:
        service = run(identify("127.0.0.57", server.port, timeout=3.0))
    assert service.name == "elasticsearch" and not service.tls
    assert service.banner == "Elasticsearch, authentication required (HTTP/1.0 401 Unauthorized)"
    assert "security_exception" in service.transcript


def test_open_cluster_over_https_is_identified_and_checked_over_tls(tmp_path: Path) -> None:
    """Transcript replay, not a real server: the open 8.15.0 reply served over TLS (as with
    anonymous access granted) is identified inside TLS, and the check speaks TLS to it."""
    cert, key = make_cert(tmp_path, "127.0.0.58", weak=False)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    example = EXAMPLES / "vulnerable/elasticsearch8_open.http"
    with serving(HttpReplay(example, "127.0.0.58", tls)) as server:
        service = run(identify("127.0.0.58", server.port, timeout=3.0))
        hits = run(check_unauth("127.0.0.58", server.port, service.name, 3.0, tls=service.tls))
    assert (service.name, service.tls) == ("elasticsearch", True)
    assert service.banner == "Elasticsearch 8.15.0 (cluster 'elasticsearch')"
    assert [h.check for h in hits] == [ELASTICSEARCH]


def test_json_that_only_looks_like_a_cluster_stays_http(tmp_path: Path) -> None:
    """Transcript replay (made up here): ``cluster_name`` and ``version.number`` without the
    Elasticsearch tagline or the OpenSearch distribution are some other JSON API."""
    body = '{"cluster_name":"orders","version":{"number":"3.1"}}'
    example = tmp_path / "other.http"
    example.write_text("HTTP/1.1 200 OK\ncontent-type: application/json\n"
                       f"content-length: {len(body)}\n\n{body}")  # fmt: skip
    with serving(HttpReplay(example, "127.0.0.59")) as server:
        service = run(identify("127.0.0.59", server.port, timeout=3.0))
        hits = run(check_unauth("127.0.0.59", server.port, "elasticsearch", 3.0))
    assert service.name == "http"
    assert hits == []


def test_mongodb_on_its_own_port_is_identified_by_ismaster() -> None:
    """Transcript replay, not a real server, on 27017: the port hint puts the MongoDB probe
    first, and the recorded OP_REPLY to the legacy isMaster identifies it."""
    example = EXAMPLES / "vulnerable/mongodb7_noauth.ejson"
    with serving(MongoReplay(example, "127.0.0.60", 27017)) as server:
        service = run(identify("127.0.0.60", 27017, timeout=3.0))
    assert (service.name, service.banner) == ("mongodb", "isMaster answered")
    assert server.seen == ["OP_QUERY isMaster"]


def test_mongodb_on_another_port_is_identified_by_its_http_page() -> None:
    """Transcript replay, not a real server: on a port without a hint the HTTP probe goes
    first, and mongod's fixed answer to ``GET`` on its wire port names MongoDB, not HTTP."""
    example = EXAMPLES / "vulnerable/mongodb7_noauth.ejson"
    with serving(MongoReplay(example, "127.0.0.61")) as server:
        service = run(identify("127.0.0.61", server.port, timeout=3.0))
    assert service.name == "mongodb", service
    assert "native driver port" in service.banner
    assert server.seen == ["GET"]


@pytest.mark.parametrize(
    ("name", "open_"),
    [("vulnerable/mongodb7_noauth.ejson", True), ("safe/mongodb7_auth.ejson", False)],
)
def test_mongodb_check_runs_only_list_databases(name: str, open_: bool) -> None:
    """Transcript replay, not a real server: one OP_MSG listDatabases (names only); ok:1 is a
    finding, mongod's ok:0 "requires authentication" (code 13) is not."""
    with serving(MongoReplay(EXAMPLES / name, "127.0.0.62")) as server:
        hits = run(check_unauth("127.0.0.62", server.port, "mongodb", 3.0))
    assert server.seen == ["OP_MSG listDatabases"]
    assert [h.check for h in hits] == ([MONGODB] if open_ else [])
    if open_:
        assert "ok=True" in hits[0].evidence


def test_replay_bson_matches_mamoris_encoder_on_flat_documents() -> None:
    """The test-side BSON encoder agrees with the scanner's own where both apply."""
    flat: dict[str, int | str | bool] = {"listDatabases": 1, "nameOnly": True, "$db": "admin"}
    typed = {"listDatabases": {"$numberInt": "1"}, "nameOnly": True, "$db": "admin"}
    assert bson(typed) == _bson.encode(flat)
