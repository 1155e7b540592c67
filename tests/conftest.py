"""Shared test fixtures: the real-data directory and a local HTTP server."""

from __future__ import annotations

import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]
collect_ignore_glob = ["typing/*"]  # mypy fixtures, checked by tests/typing/check.py (.ci/run)
SHARED_DATA = Path(os.environ.get("TWINGRAPH_DATA_DIR", REPO.parent / "shared" / "data"))
# every test sees the shared snapshots as the data directory unless it overrides it (monkeypatch)
os.environ["TWINGRAPH_DATA_DIR"] = str(SHARED_DATA)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The directory holding ``<dataset>/<file>`` snapshots (``$TWINGRAPH_DATA_DIR`` or ../shared/data)."""
    if not (SHARED_DATA / "wikipedia-lists-2026").is_dir():
        pytest.skip(f"real datasets not found at {SHARED_DATA}; set TWINGRAPH_DATA_DIR")
    return SHARED_DATA


@pytest.fixture(scope="session")
def wikipedia(shared_data: Path):  # type: ignore[no-untyped-def]
    from twingraph import load

    return load("wikipedia-lists-2026")


@pytest.fixture(scope="session")
def crawl(shared_data: Path):  # type: ignore[no-untyped-def]
    from twingraph import load

    return load("wikidata-crawl-2016")


@pytest.fixture
def file_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Serve ``tmp_path/www`` on 127.0.0.1 (a random free port); yields (base_url, folder, hits)."""
    root = tmp_path / "www"
    root.mkdir()
    hits: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):  # type: ignore[no-untyped-def]
            super().__init__(*a, directory=str(root), **kw)

        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            super().do_GET()

        def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root, hits
    finally:
        server.shutdown()
        server.server_close()
