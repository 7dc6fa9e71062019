"""``layers.fetch`` from a mirror: a local HTTP server on 127.0.0.1 or a local folder.

The served files are temporary copies (in tmp_path) of small files of the real data directory.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from _mirror_server import MirrorServer

from minusma.geo._errors import (
    ChecksumError,
    FetchError,
    ParameterError,
    SchemaError,
    UnknownNameError,
)
from minusma.layers import _http, datasets
from minusma.layers.fetch import fetch

SMALL = ["geonames_places", "ne_lakes", "worldpop_density"]
GEONAMES = "geonames/geonames_cities1000_mali.geojson"


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr(_http, "RETRY_BACKOFF_S", 0.0)


@pytest.fixture
def mirror_root(data_dir, tmp_path) -> Path:
    """A temporary mirror folder holding copies of a few small files of the data directory."""
    root = tmp_path / "mirror"
    for name in SMALL:
        rel = datasets.get(name).path
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(data_dir / rel, root / rel)
    return root


@pytest.fixture
def server(mirror_root):
    with MirrorServer(mirror_root) as srv:
        yield srv


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_download_success_verifies_and_reports_progress(server, data_dir, tmp_path):
    dest = tmp_path / "dest"
    seen: dict[str, tuple[int, int | None]] = {}
    got = fetch(
        dest,
        mirror=server.url + "/",
        only=SMALL,
        progress=lambda n, d, t: seen.__setitem__(n, (d, t)),
    )
    assert sorted(got) == sorted(SMALL)
    for name in SMALL:
        rel = datasets.get(name).path
        assert (dest / rel).read_bytes() == (data_dir / rel).read_bytes()
        size = datasets.get(name).size_bytes
        assert seen[name] == (size, size)
    assert _files(dest) == sorted(datasets.get(n).path for n in SMALL)  # no .part left behind
    assert all(rng is None for _, rng in server.requests)


def test_present_and_verified_files_are_not_fetched_again(server, tmp_path):
    dest = tmp_path / "dest"
    fetch(dest, mirror=server.url, only=["geonames_places"])
    server.requests.clear()
    fetch(dest, mirror=server.url, only=["geonames_places"])
    assert server.requests == []


def test_checksum_mismatch_leaves_nothing(server, mirror_root, tmp_path):
    served = mirror_root / GEONAMES
    served.write_bytes(served.read_bytes().replace(b"Mopti", b"Moptx", 1))
    dest = tmp_path / "dest"
    with pytest.raises(
        ChecksumError,
        match=r"geonames_cities1000_mali\.geojson: sha256 [0-9a-f]{64} does not match "
        r"the registry's 4f3611efe16b",
    ):
        fetch(dest, mirror=server.url, only=["geonames_places"])
    assert _files(dest) == []  # neither the final file nor a .part


def test_truncated_transfer_is_resumed(server, data_dir, tmp_path):
    server.faults[GEONAMES] = ["truncate"]
    dest = tmp_path / "dest"
    fetch(dest, mirror=server.url, only=["geonames_places"], retries=2)
    assert (dest / GEONAMES).read_bytes() == (data_dir / GEONAMES).read_bytes()
    size = datasets.get("geonames_places").size_bytes
    assert server.requests == [(GEONAMES, None), (GEONAMES, f"bytes={size // 2}-")]


def test_truncated_every_time_gives_up_without_a_final_file(server, tmp_path):
    server.faults[GEONAMES] = ["truncate"] * 10
    dest = tmp_path / "dest"
    with pytest.raises(
        FetchError,
        match=r"transfer truncated at byte \d+ of \d+; gave up after 3 attempt\(s\); "
        r"the partial download geonames_cities1000_mali\.geojson\.part is kept",
    ):
        fetch(dest, mirror=server.url, only=["geonames_places"], retries=2)
    assert _files(dest) == [GEONAMES + ".part"]
    assert [rng is not None for _, rng in server.requests] == [False, True, True]


def test_server_error_then_success(server, data_dir, tmp_path, caplog):
    server.faults[GEONAMES] = ["500"]
    dest = tmp_path / "dest"
    with caplog.at_level(logging.WARNING, logger="minusma.layers._http"):
        fetch(dest, mirror=server.url, only=["geonames_places"])
    assert (dest / GEONAMES).read_bytes() == (data_dir / GEONAMES).read_bytes()
    assert len(server.requests) == 2
    assert "HTTP 500 Injected failure; retry 1 of 3" in caplog.text


def test_timeout_then_success(mirror_root, data_dir, tmp_path):
    with MirrorServer(mirror_root, slow_s=1.0) as srv:
        srv.faults[GEONAMES] = ["slow"]
        fetch(tmp_path / "dest", mirror=srv.url, only=["geonames_places"], timeout_s=0.2)
    assert (tmp_path / "dest" / GEONAMES).read_bytes() == (data_dir / GEONAMES).read_bytes()


def test_partial_part_file_is_resumed_with_range(server, data_dir, tmp_path):
    dest = tmp_path / "dest"
    part = dest / (GEONAMES + ".part")
    part.parent.mkdir(parents=True)
    part.write_bytes((data_dir / GEONAMES).read_bytes()[:1000])
    fetch(dest, mirror=server.url, only=["geonames_places"])
    assert server.requests == [(GEONAMES, "bytes=1000-")]
    assert (dest / GEONAMES).read_bytes() == (data_dir / GEONAMES).read_bytes()
    assert not part.exists()


def test_server_without_range_support_restarts(mirror_root, data_dir, tmp_path):
    dest = tmp_path / "dest"
    part = dest / (GEONAMES + ".part")
    part.parent.mkdir(parents=True)
    part.write_bytes(b"x" * 1000)
    with MirrorServer(mirror_root, ranges=False) as srv:
        fetch(dest, mirror=srv.url, only=["geonames_places"])
    assert (dest / GEONAMES).read_bytes() == (data_dir / GEONAMES).read_bytes()


def test_stale_part_file_is_discarded_after_mismatch(server, data_dir, tmp_path):
    dest = tmp_path / "dest"
    part = dest / (GEONAMES + ".part")
    part.parent.mkdir(parents=True)
    part.write_bytes(b"x" * 1000)  # bytes of some other file: resuming gives a wrong checksum
    fetch(dest, mirror=server.url, only=["geonames_places"])
    assert server.requests == [(GEONAMES, "bytes=1000-"), (GEONAMES, None)]
    assert (dest / GEONAMES).read_bytes() == (data_dir / GEONAMES).read_bytes()


def test_not_found_fails_at_once_and_lists_every_failure(server, tmp_path):
    with pytest.raises(
        FetchError,
        match=r"2 of 3 dataset\(s\) could not be fetched:\n"
        r"  - cod_adm1: http://127\.0\.0\.1:\d+/ocha-cod-mali/mli_adm1_regions\.geojson: "
        r"HTTP 404 Not Found\n  - ne_admin1: .*HTTP 404",
    ):
        fetch(tmp_path / "dest", mirror=server.url, only=["cod_adm1", "ne_admin1", "ne_lakes"])
    assert len(server.requests) == 3  # no retries on 4xx
    assert (tmp_path / "dest" / datasets.get("ne_lakes").path).is_file()


def test_optional_dataset_missing_from_mirror_is_skipped(server, tmp_path):
    assert fetch(tmp_path / "dest", mirror=server.url, only=["osm_roads", "ne_lakes"]) == {
        "ne_lakes": tmp_path / "dest" / datasets.get("ne_lakes").path
    }


def test_mirror_from_local_folder(mirror_root, data_dir, tmp_path):
    dest = tmp_path / "dest"
    got = fetch(dest, mirror=mirror_root, only=SMALL)
    assert sorted(got) == sorted(SMALL)
    for name in SMALL:
        assert datasets.dataset_status(name, dest).sha256_ok
    assert _files(dest) == sorted(datasets.get(n).path for n in SMALL)
    fetch(tmp_path / "dest2", mirror=mirror_root.as_uri(), only=["ne_lakes"])  # file:// URL too


def test_local_mirror_with_corrupt_file(mirror_root, tmp_path):
    (mirror_root / GEONAMES).write_bytes(b"{}")
    with pytest.raises(
        ChecksumError, match=r"mirror/geonames/geonames_cities1000_mali\.geojson: sha256"
    ):
        fetch(tmp_path / "dest", mirror=mirror_root, only=["geonames_places"])
    assert _files(tmp_path / "dest") == []


def test_bad_arguments(tmp_path):
    with pytest.raises(UnknownNameError, match="No matching dataset found for the query 'roads'"):
        fetch(tmp_path, mirror=tmp_path, only=["roads"])
    with pytest.raises(FetchError, match=r"mirror folder '.*nowhere' does not exist"):
        fetch(tmp_path, mirror=tmp_path / "nowhere", only=["ne_lakes"])
    with pytest.raises(
        ParameterError, match=r"timeout_s must be > 0 and retries >= 0; got timeout_s=0"
    ):
        fetch(tmp_path, mirror=tmp_path, timeout_s=0)


def _roads(features: str) -> str:
    return '{"type": "FeatureCollection", "features": [' + features + "]}\n"


ROAD = (
    '{"type": "Feature", "properties": {"osm_id": "4389012", "fclass": "trunk", "name": "RN16", '
    '"ref": "RN16"}, "geometry": {"type": "LineString", "coordinates": [[-4.1, 14.5], [-3.0, '
    "15.0]]}}"
)


def test_optional_dataset_without_checksum_is_validated_before_it_is_placed(mirror_root, tmp_path):
    rel = datasets.get("osm_roads").path
    (mirror_root / rel).parent.mkdir(parents=True)
    (mirror_root / rel).write_text(_roads(ROAD), encoding="utf-8")
    with MirrorServer(mirror_root) as srv:
        got = fetch(tmp_path / "dest", mirror=srv.url, only=["osm_roads"])
    assert got == {"osm_roads": tmp_path / "dest" / rel}
    assert datasets.check_dataset("osm_roads", tmp_path / "dest") == []
    assert _files(tmp_path / "dest") == [rel]


def test_invalid_optional_dataset_is_not_placed(mirror_root, tmp_path):
    rel = datasets.get("osm_roads").path
    (mirror_root / rel).parent.mkdir(parents=True)
    (mirror_root / rel).write_text(
        _roads(ROAD.replace("-3.0, 15.0", "30.0, 45.0")), encoding="utf-8"
    )
    with pytest.raises(
        SchemaError,
        match=r"dataset 'osm_roads' from .*mirror: 1 problem\(s\):\n  - coordinates outside "
        r"Mali's bounds \+-1\.0 deg .* in row 0 \(osm_id='4389012'\)",
    ):
        fetch(tmp_path / "dest", mirror=mirror_root, only=["osm_roads"])
    assert _files(tmp_path / "dest") == []


# --------------------------------------------------------------------------- issue 20: bounded
# downloads against a hostile server on 127.0.0.1. It answers every request with an endless body
# (or a lying Content-Length), stops by itself after HOSTILE_MAX_BYTES or HOSTILE_MAX_S, and
# serves at most HOSTILE_MAX_REQUESTS requests.

HOSTILE_MAX_BYTES = 64 * 1024**2
HOSTILE_MAX_S = 30.0
HOSTILE_MAX_REQUESTS = 20


class _HostileServer:
    """``mode``: ``"endless"`` (no Content-Length, bytes until the client hangs up or the bounds
    are reached), ``"announced"`` (a Content-Length of 10 GB), ``"lying"`` (a small
    Content-Length, then more bytes than it)."""

    def __init__(self, mode: str) -> None:
        import http.server
        import threading
        import time

        self.mode = mode
        self.requests = 0
        self.sent = 0
        hostile = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                hostile.requests += 1
                if hostile.requests > HOSTILE_MAX_REQUESTS:
                    self.send_error(503)
                    return
                self.send_response(200)
                if hostile.mode == "announced":
                    self.send_header("Content-Length", str(10 * 1024**3))
                elif hostile.mode == "lying":
                    self.send_header("Content-Length", "1000")
                self.end_headers()
                chunk = b"A" * 65536
                start = time.monotonic()
                try:
                    while (
                        hostile.sent < HOSTILE_MAX_BYTES
                        and time.monotonic() - start < HOSTILE_MAX_S
                    ):
                        self.wfile.write(chunk)
                        hostile.sent += len(chunk)
                except OSError:  # the client hung up: what a bounded client does
                    pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> _HostileServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


HOSTILE_CASES = [
    # (mode, dataset, what the error says)
    ("endless", "geonames_places", "was stopped"),
    ("announced", "geonames_places", "the server announces 10,737,418,240 bytes"),
    # a Content-Length smaller than the body: only that many bytes are read, then refused
    ("lying", "geonames_places", "does not match the registry"),
]


@pytest.mark.parametrize(("mode", "name", "message"), HOSTILE_CASES)
def test_a_hostile_server_is_stopped_at_the_registry_size(mode, name, message, tmp_path):
    dataset = datasets.get(name)
    limit = _http.max_bytes_for(dataset.size_bytes)
    assert limit == dataset.size_bytes + max(
        dataset.size_bytes * _http.SIZE_MARGIN_FRACTION, _http.SIZE_MARGIN_BYTES
    )
    dest = tmp_path / "data"
    with _HostileServer(mode) as hostile, pytest.raises(FetchError, match=message):
        fetch(dest, mirror=hostile.url, only=[name], retries=2, progress=False)
    assert hostile.requests == 1  # a size overrun is final: no retry
    assert hostile.sent <= limit + 8 * 1024**2  # the client hung up soon after the limit
    assert not dest.exists() or _files(dest) == []  # no .part, no file


def test_a_download_without_a_recorded_size_stops_at_the_stated_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(_http, "UNRECORDED_MAX_BYTES", 1024**2)
    with (
        _HostileServer("endless") as hostile,
        pytest.raises(FetchError, match="passed 1,048,576 bytes"),
    ):
        _http.download(hostile.url + "/x.zip", tmp_path / "x.zip", retries=0)
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    assert hostile.sent < 16 * 1024**2


def test_a_local_mirror_file_larger_than_the_registry_size_is_not_copied(tmp_path):
    name = "geonames_places"
    dataset = datasets.get(name)
    mirror = tmp_path / "mirror"
    (mirror / dataset.path).parent.mkdir(parents=True)
    (mirror / dataset.path).write_bytes(b"x" * (_http.max_bytes_for(dataset.size_bytes) + 1))
    with pytest.raises(FetchError, match="more than the"):
        fetch(tmp_path / "data", mirror=mirror, only=[name], progress=False)
    assert not (tmp_path / "data").exists()
