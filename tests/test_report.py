"""``minusma report``: one self-contained HTML page with the top places escaped."""

from __future__ import annotations

import html
import re

from click.testing import CliRunner

from minusma import Study
from minusma.cli.main import cli


def test_report_is_self_contained_and_lists_top_places_escaped(tmp_path):
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        cli, ["report", "--out", str(out), "--top", "10"], env={"MINUSMA_DATA": None}
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    top = Study().assess().head(10)
    for name, reasons in zip(top["name"], top["reasons"]):
        assert f"<td>{html.escape(name)}</td>" in text
        assert html.escape(reasons) in text
    # the two images are embedded; nothing is fetched
    assert len(re.findall(r'src="data:image/png;base64,', text)) == 2
    assert not re.search(r'(src|href)="https?:', text)
    for heading in ("Summary by region", "Timeline of the withdrawal", "Caveats", "Sources"):
        assert heading in text
    assert "Road geometry is schematic" in text  # a caveat of the exposure layer


def test_report_rejects_other_suffixes(tmp_path):
    result = CliRunner().invoke(cli, ["report", "--out", str(tmp_path / "r.pdf")])
    assert result.exit_code != 0 and ".html" in result.output
    assert not (tmp_path / "r.pdf").exists()
