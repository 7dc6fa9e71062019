"""The README's Python example runs as written, and says what it shows."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def _using_it_block() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Using it") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_using_it_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # it exports to out/
    scope: dict = {}
    exec(compile(_using_it_block(), "README.md", "exec"), scope)
    study, towns, before = scope["study"], scope["towns"], scope["before"]
    assert type(study).__name__ == "Study" and study.data_dir is None
    assert len(towns) > 150 and towns["exposure_rank"].iloc[0] == 1
    assert before.attrs["parameters"]["radius_km"] == 25.0
    assert before["as_of"].iloc[0] == "2023-06-30"
    assert scope["trip"].attrs["reachable"]
    assert (tmp_path / "out" / "provenance.json").is_file()
    assert len(scope["steps"]["step"].unique()) == 13
