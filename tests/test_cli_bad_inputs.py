"""Bad input to every command: a non-zero exit, one ``Error:`` line on stderr, no traceback, and
nothing written into the output folder (issue 10, "make it stay fixed").

Each row is ``(command line, exit code, text the error must contain)``; ``{out}`` is an empty
folder the command must leave empty, ``{file}`` a regular file (so ``{file}/x`` cannot be created,
even as root), ``{damaged}`` a data directory whose settlements file is zero bytes and whose Niger
file is cut in the middle, ``{long}`` a file name that, with ``x.html``, exceeds the 255-byte limit.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from minusma.cli.main import cli

USAGE, FAILED = 2, 1

CASES = [
    # fetch
    ("fetch --dest {file}/x --only cod_adm0", USAGE, "cannot create folder"),
    ("fetch --dest {out} --timeout inf", USAGE, "finite number of seconds"),
    ("fetch --dest {out} --timeout nan", USAGE, "finite number of seconds"),
    ("fetch --dest {out} --timeout -1", USAGE, "finite number of seconds"),
    ("fetch --dest {out} --retries -1", USAGE, "--retries"),
    ("fetch --dest {out} --only no-such-dataset", FAILED, "no-such-dataset"),
    # data
    ("data --data {out}/missing", USAGE, "does not exist"),
    ("data --data {file}", USAGE, "is not a folder"),
    ("data --data {damaged}", FAILED, "problem(s)"),
    # assets
    ("assets --cache {file}/x", USAGE, "cannot create folder"),
    ("assets --cache {out} --timeout nan", USAGE, "finite number of seconds"),
    ("assets --cache {out} --timeout 1e300", USAGE, "finite number of seconds"),
    ("assets --cache {out} --registry not-a-url", USAGE, "http(s):// URL"),
    ("assets --cache {out} --registry ftp://example.org/", USAGE, "http(s):// URL"),
    # layers
    ("layers --format xml", USAGE, "'xml' is not one of"),
    # export
    ("export --out ''", USAGE, "must be a folder name"),
    ("export --out {file}", USAGE, "is a file, not a folder"),
    ("export --out {out} --as-of 2023-13-45", USAGE, "ISO date"),
    ("export --out {out} --radius-km nan", USAGE, "finite number of km"),
    ("export --out {out} --layer no-such-layer", FAILED, "no layer named"),
    ("export --out {out} --data {out}/missing", USAGE, "does not exist"),
    # towns
    ("towns --radius-km 1e308", USAGE, "finite number of km"),
    ("towns --radius-km inf", USAGE, "finite number of km"),
    ("towns --radius-km 0", USAGE, "finite number of km"),
    ("towns --as-of 2023-13-45", USAGE, "ISO date"),
    ("towns --as-of 1999-01-01", USAGE, "mission's years"),
    ("towns --season monsoon", USAGE, "'monsoon' is not one of"),
    ("towns --close Ber --keep Ber", FAILED, "both closed and kept"),
    ("towns --data {out}/missing", USAGE, "does not exist"),
    ("towns --data {damaged}", FAILED, "cannot read"),
    # query
    ("query within Mopti 1e308", USAGE, "finite number of km"),
    ("query within Mopti nan", USAGE, "finite number of km"),
    ("query nearest Mopti --as-of 2023-13-45", USAGE, "ISO date"),
    ("query within Mopti 50 --as-of 2023-02-30", USAGE, "ISO date"),
    # map
    ("map --out {out}/m.html --radius-km nan", USAGE, "finite number of km"),
    ("map --out {out}/m.html --radius-km 1e308", USAGE, "finite number of km"),
    ("map --out {out}/m.html --as-of 2023-13-45", USAGE, "ISO date"),
    ("map --out ''", USAGE, "must be a file name"),
    ("map --out {out}/no/such/folder/m.html", USAGE, "does not exist"),
    ("map --out {out}", USAGE, "is a folder"),
    ("map --out {file}/m.html", USAGE, "does not exist"),
    ("map --out {out}/{long}x.html", USAGE, "file name longer than"),
    ("map --out {out}/m.html --data {damaged}", FAILED, "cannot read"),
    ("map --png {out}/m.png --dpi 10", USAGE, "--dpi"),
    # population
    ("population --radius-km 1e308", USAGE, "finite number of km"),
    ("population --as-of 2023-13-45", USAGE, "ISO date"),
    ("population --out-dir {file}/x", USAGE, "cannot create folder"),
    ("population --out-dir {out} --data {out}/missing", USAGE, "does not exist"),
]


@pytest.fixture(scope="module")
def damaged(data_dir, tmp_path_factory) -> Path:
    """A copy (by symlinks) of the data directory with two damaged files."""
    root = tmp_path_factory.mktemp("damaged")
    for folder in data_dir.iterdir():
        if folder.is_dir():
            (root / folder.name).mkdir()
            for f in folder.iterdir():
                (root / folder.name / f.name).symlink_to(f)
    places = root / "ocha-cod-mali" / "mli_populated_places.geojson"
    places.unlink()
    places.write_bytes(b"")
    niger = root / "naturalearth" / "ne_10m_niger_river.geojson"
    text = niger.resolve().read_bytes()
    niger.unlink()
    niger.write_bytes(text[: len(text) // 2])
    return root


@pytest.mark.parametrize(("line", "code", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_clear_error(line, code, message, tmp_path, damaged, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    file = tmp_path / "file.txt"
    file.write_text("not a folder")
    monkeypatch.setenv("MINUSMA_ASSET_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("MINUSMA_DATA", raising=False)
    args = [
        a.format(out=out, file=file, damaged=damaged, long="n" * 251)
        for a in __import__("shlex").split(line)
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert message in result.stderr, result.stderr
    assert sorted(os.listdir(out)) == []


def test_a_legal_250_character_file_name_is_written(tmp_path):
    """The temporary name beside it would pass the 255-byte limit: atomic_path shortens it."""
    from minusma.geo.io import atomic_path

    final = tmp_path / ("n" * 245 + ".html")
    with atomic_path(final) as tmp:
        assert len(tmp.name.encode()) <= 255 and tmp.parent == tmp_path
        tmp.write_text("<html></html>", encoding="utf-8")
    assert final.read_text(encoding="utf-8") == "<html></html>"
    assert sorted(p.name for p in tmp_path.iterdir()) == [final.name]
