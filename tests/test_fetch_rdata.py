"""The Geo-PKO monthly file from the dashboard's R workspace (``layers._rdata``), verified by its
content digest (``layers.table_digest``).

GitHub is not reachable here: the workspaces are written by the tests with ``pyreadr.write_rdata``
and served by a local server. SYNTHETIC: the small typed frames below are made up (their values
are not Geo-PKO rows); the round-trip test rebuilds a workspace from rows of the real offline file.
"""

from __future__ import annotations

import dataclasses
import gzip
import logging
import math
import sys

import pandas as pd
import pyreadr
import pytest
from _mirror_server import MirrorServer

from minusma.geo._errors import ChecksumError, FetchError, SchemaError
from minusma.layers import _http, _rdata, _upstream, datasets
from minusma.layers.fetch import fetch
from minusma.layers.table_digest import METHOD, frame_digest, table_digest


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr(_http, "RETRY_BACKOFF_S", 0.0)


def _synthetic_geopko() -> pd.DataFrame:
    """SYNTHETIC: the monthly file's required columns with R's column types (text, factor,
    double, integer with NA, logical) and the awkward cells (the text "NA", a line break, an
    accent, a 17-digit double)."""
    return pd.DataFrame(
        {
            "source": ["SYNTHETIC map 1", "SYNTHETIC map 1", "SYNTHETIC map 2"],
            "mission": pd.Categorical(["MINUSMA", "MINUSMA", "UNDOF"]),
            "year": [2017.0, 2017.0, 2018.0],
            "month": pd.array([6, 6, 9], dtype="Int32"),
            "location": ["Gao", "Ménaka", "Camp\nFaouar"],
            "latitude": [16.270000000000003, 15.9, None],
            "longitude": [-0.04, 2.4, 35.9],
            "no.troops": ["225", "40", "unknown"],
            "unmo.dummy": pd.array([1, None, 0], dtype="Int64"),
            "comments": ["NA", None, "SYNTHETIC"],
            "hq": [True, False, None],
        }
    )


def _write_rdata(frame: pd.DataFrame, folder) -> None:
    folder.mkdir(exist_ok=True)
    pyreadr.write_rdata(str(folder / ".RData"), frame, df_name=_upstream.GEOPKO_RDATA_OBJECT)


def _expected_text() -> pd.DataFrame:
    """What R's write.csv would print for the synthetic frame."""
    return pd.DataFrame(
        {
            "source": ["SYNTHETIC map 1", "SYNTHETIC map 1", "SYNTHETIC map 2"],
            "mission": ["MINUSMA", "MINUSMA", "UNDOF"],
            "year": ["2017", "2017", "2018"],
            "month": ["6", "6", "9"],
            "location": ["Gao", "Ménaka", "Camp\nFaouar"],
            "latitude": ["16.27", "15.9", None],
            "longitude": ["-0.04", "2.4", "35.9"],
            "no.troops": ["225", "40", "unknown"],
            "unmo.dummy": ["1", None, "0"],
            "comments": [None, None, "SYNTHETIC"],
            "hq": ["TRUE", "FALSE", None],
        }
    )


def _registry_with_digest(monkeypatch, digest: str) -> None:
    """The registry's monthly entry with ``digest`` as its content digest (for the synthetic
    workspace, whose content is not the recorded file's)."""
    real = datasets.get("geopko_monthly")
    patched = dataclasses.replace(real, file={**(real.file or {}), "content_sha256": digest})
    original = _upstream.get_dataset
    monkeypatch.setattr(
        _upstream, "get_dataset", lambda name: patched if name == real.name else original(name)
    )


def _serve_and_fetch(tmp_path, monkeypatch):
    with MirrorServer(tmp_path / "upstream") as srv:
        monkeypatch.setitem(_upstream.URLS, "geopko_rdata", f"{srv.url}/.RData")
        return fetch(tmp_path / "dest", only=["geopko_monthly"], progress=False, retries=0)


def test_the_offline_copy_has_the_registered_content_digest(data_dir):
    dataset = datasets.get("geopko_monthly")
    assert dataset.upstream["content_digest"] == METHOD
    assert table_digest(data_dir / dataset.path) == dataset.content_sha256


def test_digest_ignores_how_r_or_pandas_wrote_the_bytes(tmp_path):
    r_style = '"a","b"\n"2017","33.238894000000002"\n"x",NA\n'
    pandas_style = "a,b\nx,\n2017.0,33.238894\n"  # other quoting, precision, NA and row order
    (tmp_path / "r.csv").write_text(r_style, encoding="utf-8")
    with gzip.open(tmp_path / "p.csv.gz", "wt", encoding="utf-8") as fh:
        fh.write(pandas_style)
    assert table_digest(tmp_path / "r.csv") == table_digest(tmp_path / "p.csv.gz")
    (tmp_path / "changed.csv").write_text(r_style.replace('"x"', '"y"'), encoding="utf-8")
    assert table_digest(tmp_path / "changed.csv") != table_digest(tmp_path / "r.csv")
    (tmp_path / "renamed.csv").write_text(r_style.replace('"b"', '"c"'), encoding="utf-8")
    assert table_digest(tmp_path / "renamed.csv") != table_digest(tmp_path / "r.csv")


def test_synthetic_workspace_is_converted_as_r_would_write_it(tmp_path, monkeypatch, caplog):
    _write_rdata(_synthetic_geopko(), tmp_path / "upstream")
    want = frame_digest(_expected_text())
    _registry_with_digest(monkeypatch, want)
    with caplog.at_level(logging.INFO, logger="minusma.layers._rdata"):
        got = _serve_and_fetch(tmp_path, monkeypatch)
    out = got["geopko_monthly"]
    assert out == tmp_path / "dest" / datasets.get("geopko_monthly").path
    assert "geopko: 3 rows x 11 columns" in caplog.text
    text = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert text["year"].tolist() == ["2017", "2017", "2018"]  # not 2017.0
    assert text["hq"].tolist() == ["TRUE", "FALSE", "NA"]
    assert text["location"].tolist() == ["Gao", "Ménaka", "Camp\nFaouar"]
    assert table_digest(out) == want
    assert datasets.check_file("geopko_monthly", out) == []
    # the same workspace gives the same bytes (no gzip timestamp)
    again = tmp_path / "again.csv.gz"
    _rdata.convert_r_table(tmp_path / "upstream" / ".RData", again, object_name="geopko")
    assert again.read_bytes() == out.read_bytes()


def test_workspace_with_other_content_is_refused(tmp_path, monkeypatch):
    _write_rdata(_synthetic_geopko(), tmp_path / "upstream")  # not the registered content
    with pytest.raises(ChecksumError, match=r"'geopko_monthly' converted from upstream: its conte"):
        _serve_and_fetch(tmp_path, monkeypatch)
    folder = tmp_path / "dest" / "geo-pko"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_rows_of_the_real_file_survive_the_round_trip(data_dir, tmp_path):
    """The MINUSMA rows of the offline file and its rows with a line break or an accent, as text
    columns in an R workspace, come out of the conversion with the same content digest."""
    real = pd.read_csv(
        data_dir / datasets.get("geopko_monthly").path,
        dtype=str,
        keep_default_na=False,
        na_values=["", "NA"],
    )
    multiline = real["comments"].str.contains("\n", na=False)
    accented = ~real["location"].fillna("").str.isascii()
    rows = real[(real["mission"] == "MINUSMA") | multiline | accented].reset_index(drop=True)
    assert len(rows) > 2000 and multiline.sum() > 50 and accented.sum() > 5
    _write_rdata(rows, tmp_path / "ws")
    out = tmp_path / "minusma.csv.gz"
    _rdata.convert_r_table(tmp_path / "ws" / ".RData", out, object_name="geopko")
    assert table_digest(out) == frame_digest(rows)


def test_a_git_lfs_pointer_or_a_broken_workspace_is_named(tmp_path):
    pointer = tmp_path / "pointer.RData"
    pointer.write_text("version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 1\n")
    with pytest.raises(FetchError, match="Git LFS pointer"):
        _rdata.read_r_frame(pointer, "geopko")
    broken = tmp_path / "broken.RData"
    broken.write_bytes(b"RDX3\n" + b"\x00" * 64)
    with pytest.raises(SchemaError, match=r"broken\.RData: not a readable R workspace"):
        _rdata.read_r_frame(broken, "geopko")
    other = tmp_path / "other.RData"
    pyreadr.write_rdata(str(other), pd.DataFrame({"a": [1.0]}), df_name="something_else")
    with pytest.raises(SchemaError, match="holds no data frame 'geopko'"):
        _rdata.read_r_frame(other, "geopko")


def test_without_the_reader_nothing_is_downloaded(tmp_path, monkeypatch):
    _write_rdata(_synthetic_geopko(), tmp_path / "upstream")
    monkeypatch.setitem(sys.modules, "pyreadr", None)  # as if the rdata extra were not installed
    with MirrorServer(tmp_path / "upstream") as srv:
        monkeypatch.setitem(_upstream.URLS, "geopko_rdata", f"{srv.url}/.RData")
        with pytest.raises(FetchError, match=r"pip install 'minusma-exposure\[rdata\]'"):
            fetch(tmp_path / "dest", only=["geopko_monthly"], progress=False, retries=0)
        assert srv.requests == []


def test_numbers_are_printed_as_r_prints_them():
    frame = pd.DataFrame({"x": [2017.0, 0.1 + 0.2, math.inf, math.nan]})
    assert _rdata.r_frame_as_text(frame)["x"].tolist() == ["2017", "0.3", "Inf", None]
