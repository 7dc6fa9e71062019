"""docs/tutorial.ipynb runs from top to bottom (and is stored without outputs)."""

from __future__ import annotations

import os

import nbformat
from nbclient import NotebookClient

from tests.conftest import REPO

NOTEBOOK = REPO / "docs" / "tutorial.ipynb"


def test_tutorial_is_stored_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_tutorial_executes(tmp_path, monkeypatch):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    ).execute()
    assert (tmp_path / "tutorial-output" / "summary.gpkg").exists()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(
        str(o.get("data", {}).get("text/plain", "")) + o.get("text", "") for o in outputs
    )
    assert "ml-ber" in text  # the what-if shows Ber changing class
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the timeline chart
    assert any("text/html" in o.get("data", {}) for o in outputs)  # the inline map


def test_tutorial_class_counts_show_zero_not_nan():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    counts = next(c.source for c in nb.cells if "value_counts" in c.source)
    assert counts.count("fill_value=0") == 2
    lines = [
        line.strip() for c in nb.cells if c.cell_type == "code" for line in c.source.split("\n")
    ]
    assert "import layers" not in lines
