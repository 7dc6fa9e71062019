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
    ("map --out {file}/m.html", USAGE, "is a file, not a folder"),
    ("map --out {out}/{long}x.html", USAGE, "file name longer than"),
    ("map --out {out}/m.html --data {damaged}", FAILED, "cannot read"),
    ("map --png {out}/m.png --dpi 10", USAGE, "--dpi"),
    # population
    ("population --radius-km 1e308", USAGE, "finite number of km"),
    ("population --as-of 2023-13-45", USAGE, "ISO date"),
    ("population --out-dir {file}/x", USAGE, "cannot create folder"),
    ("population --out-dir {out} --data {out}/missing", USAGE, "does not exist"),
    # issue 20: bounds of the shared option types
    ("validate --seed -1", USAGE, "a seed from 0 to 4,294,967,295"),
    ("fetch --dest {out} --retries 1000000", USAGE, "a number of retries from 0 to 10"),
    ("assets --cache {out} --retries 1000000", USAGE, "a number of retries from 0 to 10"),
    ("calibrate --seed -1 --out {out}/w.json", USAGE, "a seed from 0"),
    (f"calibrate --seed {2**70} --out {{out}}/w.json", USAGE, "a seed from 0"),
    ("calibrate --seed 1.5 --out {out}/w.json", USAGE, "a whole number"),
    ("scenarios --close-each --jobs 0", USAGE, "worker processes (-1: every core, not 0)"),
    ("scenarios --close-each --jobs 100000", USAGE, "worker processes"),
    ("validate --boot 100000000", USAGE, "bootstrap draws from 0 to 100,000"),
    ("calibrate --boot 100000000 --out {out}/w.json", USAGE, "bootstrap draws"),
    ("validate --match-km 1e9", USAGE, "finite number of km in (0, 100]"),
    ("calibrate --match-km 1e9 --out {out}/w.json", USAGE, "finite number of km in (0, 100]"),
    # output names that contradict the format, empty names, --offline without an HTML map
    ("calibrate --out ''", USAGE, "must be a file name"),
    ("calibrate --out {out}/w.txt", USAGE, "writes .json files"),
    ("map --out {out}/m.png", USAGE, "writes .html or .htm files"),
    ("map --png {out}/m.html", USAGE, "writes .png files"),
    ("map --png {out}/m.png --offline", USAGE, "--offline makes the HTML map"),
    ("report --out {out}/r.pdf", USAGE, "writes .html files"),
    ("chart timeline --out {out}/c.jpg", USAGE, "writes .png or .svg files"),
    ("summary --out {out}/s.csv", USAGE, "writes .gpkg or .geojson files"),
    ("summary --out {out}/x.gpkg", USAGE, "give --data DIR"),
    # conflicts and scenario sets that change nothing
    ("towns --close Ber --keep MINUSMA-02", FAILED, "both closed and kept"),
    ("towns --close ber --keep BER", FAILED, "both closed and kept"),
    ("plan --keep 3 --close-road Gao–Ansongo", FAILED, "--objective covered does not use"),
    ("plan --keep 3 --model {models}/ok.json", FAILED, "--objective covered does not use"),
    ("plan --keep 13 --close Gao", FAILED, "between 1 and 12 sites (1 closed by --close)"),
    ("plan --keep 3 --objective exposed --close-road no-such-road", FAILED, "no-such-road"),
    ("scenarios --close-each --as-of 2024-07-22", FAILED, "closing one changes nothing"),
    ("scenarios --keep-k 2 --as-of 2023-06-30", FAILED, "keeping one changes nothing"),
    ("towns --as-of 2023-06-01", FAILED, "later than as_of"),
    (
        (
            "calibrate --from 2023-10-01 --until 2024-01-31 --to 2024-02-02 --boot 100 "
            "--out {out}/w.json"
        ),
        FAILED,
        "holds no place with an event",
    ),
    # model files: every value checked, the checksum refused when edited
    ("towns --model {models}/nan.json", FAILED, "coef holds values that are not finite numbers"),
    ("towns --model {models}/inf.json", FAILED, "coef holds values that are not finite numbers"),
    ("towns --model {models}/zero_scale.json", FAILED, "scale must be positive"),
    ("towns --model {models}/neg_decay.json", FAILED, "decay_scale_km must be a number of km"),
    ("towns --model {models}/nan_decay.json", FAILED, "decay_scale_km must be a number of km"),
    ("towns --model {models}/neg_months.json", FAILED, "history_months must be a whole number"),
    ("towns --model {models}/no_features.json", FAILED, "features must be a non-empty list"),
    ("towns --model {models}/str_coef.json", FAILED, "coef holds values that are not finite"),
    ("towns --model {models}/array.json", FAILED, "a JSON object is expected"),
    ("towns --model {models}/windows.json", FAILED, "must start after meta.fit_outcomes end"),
    ("towns --model {models}/negated.json --accept-edited-model", FAILED, "ranking is inverted"),
    ("towns --model {models}/zeros.json --accept-edited-model", FAILED, "ranks nothing"),
    ("towns --model {models}/edited.json", FAILED, "was changed after `minusma calibrate`"),
    ("validate --boot 0 --model {models}/edited.json", FAILED, "--accept-edited-model"),
    # long values are shortened in messages
    ("towns --close {huge}", FAILED, ",005 characters)"),
    ("layers --format {huge}", USAGE, ",002 characters)"),
    ("map --out {out}/{huge}.html", USAGE, "characters)"),
]


#: A calibrated model file, damaged one way per name (issue 20: every value is checked).
MODEL_DAMAGE = {
    "nan": lambda d: d.update(coef=[float("nan")] * len(d["coef"])),
    "inf": lambda d: d["coef"].__setitem__(0, float("inf")),
    "zero_scale": lambda d: d["scale"].__setitem__(0, 0.0),
    "neg_decay": lambda d: d.update(decay_scale_km=-25.0),
    "nan_decay": lambda d: d.update(decay_scale_km=float("nan")),
    "neg_months": lambda d: d.update(history_months=-3),
    "no_features": lambda d: d.update(features=[]),
    "str_coef": lambda d: d["coef"].__setitem__(0, "0.5"),
    "windows": lambda d: d["meta"].update(test_outcomes=["2023-11-01", "2024-06-30"]),
    "negated": lambda d: d.update(coef=[-c for c in d["coef"]]),
    "zeros": lambda d: d.update(coef=[0.0] * len(d["coef"])),
    "edited": lambda d: d["meta"].update(events_checksum="sha256:" + "0" * 64),
}


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> Path:
    """A folder with a freshly calibrated model (``ok.json``) and damaged copies of it."""
    import json

    from minusma.layers.calibration import calibrate

    root = tmp_path_factory.mktemp("models")
    model, _ = calibrate(n_boot=100)
    model.save(root / "ok.json")
    for name, damage in MODEL_DAMAGE.items():
        data = json.loads((root / "ok.json").read_text(encoding="utf-8"))
        damage(data)
        (root / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")  # allows NaN
    (root / "array.json").write_text("[1, 2, 3]", encoding="utf-8")
    return root


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
def test_bad_input_is_one_clear_error(line, code, message, tmp_path, damaged, models, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    file = tmp_path / "file.txt"
    file.write_text("not a folder")
    monkeypatch.setenv("MINUSMA_ASSET_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("MINUSMA_DATA", raising=False)
    args = [
        a.format(
            out=out, file=file, damaged=damaged, long="n" * 251, models=models, huge="x" * 10_000
        )
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
    if "{huge}" in line:
        assert len(result.stderr) < 2_000, "a long value was echoed in full"
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


def test_no_folder_is_created_by_a_failed_run(tmp_path, monkeypatch):
    """Issue 20: map --offline --cache and summary --out under a missing folder created folders
    at the filesystem root; a run that fails must leave no folder behind."""
    from minusma.geo._errors import FetchError
    from minusma.maps import assets

    def offline(*args, **kwargs):
        raise FetchError("no network in this test")

    monkeypatch.setattr(assets, "download", offline)
    missing = tmp_path / "nonexistent"
    runs = [
        ["map", "--offline", "--cache", str(missing / "cache"), "--out", str(tmp_path / "m.html")],
        ["summary", "--by", "region", "--out", str(missing / "x.gpkg")],
        ["fetch", "--dest", str(missing / "d"), "--mirror", str(tmp_path / "m"), "--only", "adm0"],
    ]
    for args in runs:
        result = CliRunner().invoke(cli, args)
        assert result.exit_code != 0, result.output
        assert "Traceback" not in result.output
        assert not missing.exists(), args
    assert sorted(os.listdir(tmp_path)) == []


def test_an_edited_model_is_used_only_with_the_override_and_outputs_name_it(models, caplog):
    import json

    result = CliRunner().invoke(
        cli,
        [
            "towns",
            "--model",
            str(models / "edited.json"),
            "--accept-edited-model",
            "--format",
            "json",
            "--top",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "was changed after" in caplog.text  # the warning says what was overridden
    ok = CliRunner().invoke(
        cli, ["towns", "--model", str(models / "ok.json"), "--format", "json", "--top", "2"]
    )
    assert ok.exit_code == 0, ok.output
    doc = json.loads(ok.stdout)
    text = json.dumps(doc)
    saved = json.loads((models / "ok.json").read_text(encoding="utf-8"))
    assert saved["checksum"] in text and saved["meta"]["fit_features_as_of"] in text
