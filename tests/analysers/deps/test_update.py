"""`update_advisories` against a real HTTP server on loopback serving archives built here."""

from __future__ import annotations

import http.server
import io
import json
import socket
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mamori.analysers.deps.advisories import AdvisoryDB, update_advisories
from mamori.errors import AdvisoryDBError

Make = Callable[..., dict[str, Any]]


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def serve() -> Iterator[Callable[[dict[str, bytes]], str]]:
    """Serve ``{path: body}`` on a loopback HTTP server; the function returns its base URL."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(routes: dict[str, bytes]) -> str:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                body = routes.get(self.path.split("?")[0])
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_update_imports_the_archive(
    tmp_path: Path, make_osv: Make, serve: Callable[..., str]
) -> None:
    record = make_osv("PYSEC-9-1", "alpha", [{"introduced": "0"}, {"fixed": "2.0"}])
    archive = _zip({"PYSEC-9-1.json": json.dumps(record).encode(), "bad.json": b"{", "x.txt": b""})
    base = serve({"/PyPI/all.zip": archive})
    summary = update_advisories(tmp_path / "db", url=f"{base}/PyPI/all.zip", timeout=5)
    assert (summary.added, summary.total, len(summary.skipped)) == (1, 1, 1)
    assert summary.skipped[0].target.endswith("bad.json")
    [advisory] = AdvisoryDB(tmp_path / "db").advisories_for("alpha")
    assert advisory.affects("alpha", "1.0") and not advisory.affects("alpha", "2.0")


def test_non_zip_response_is_refused(tmp_path: Path, serve: Callable[..., str]) -> None:
    base = serve({"/all.zip": b"<html>captive portal</html>"})
    with pytest.raises(AdvisoryDBError, match="did not return a zip"):
        update_advisories(tmp_path / "db", url=f"{base}/all.zip", timeout=5)
    assert AdvisoryDB(tmp_path / "db").is_empty


def test_http_error_gives_offline_hint(tmp_path: Path, serve: Callable[..., str]) -> None:
    base = serve({})
    with pytest.raises(AdvisoryDBError, match="404") as info:
        update_advisories(tmp_path / "db", url=f"{base}/missing.zip", timeout=5)
    assert "mamori db import DIR" in info.value.hint


def test_connection_refused_hides_credentials(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://operator:hunter2@127.0.0.1:{port}/all.zip?token=abc"
    with pytest.raises(AdvisoryDBError, match="cannot download") as info:
        update_advisories(tmp_path / "db", url=url, timeout=5)
    assert "hunter2" not in str(info.value) and "token" not in str(info.value)
    assert "no network?" in info.value.hint


def test_only_http_urls(tmp_path: Path) -> None:
    with pytest.raises(AdvisoryDBError, match="refusing"):
        update_advisories(tmp_path / "db", url=f"file://{tmp_path}/all.zip")


def test_invalid_port_is_an_error_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(AdvisoryDBError, match="cannot download"):
        update_advisories(tmp_path / "db", url="http://127.0.0.1:99999999/all.zip", timeout=5)
