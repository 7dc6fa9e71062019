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
    for heading in ("Summary by 2023 region", "Timeline of the withdrawal", "Caveats", "Sources"):
        assert heading in text
    assert "Road geometry is schematic" in text  # a caveat of the exposure layer


def test_report_rejects_other_suffixes(tmp_path):
    result = CliRunner().invoke(cli, ["report", "--out", str(tmp_path / "r.pdf")])
    assert result.exit_code != 0 and ".html" in result.output
    assert not (tmp_path / "r.pdf").exists()


def test_report_has_human_headers_real_dates_2023_regions_and_french(tmp_path):
    out = tmp_path / "rapport.html"
    result = CliRunner().invoke(
        cli, ["report", "--out", str(out), "--lang", "fr"], env={"MINUSMA_DATA": None}
    )
    assert result.exit_code == 0, result.output
    text = html.unescape(out.read_text(encoding="utf-8"))
    assert '<html lang="fr">' in text
    assert "Avant : 30 juin 2023 ; après : 22 juil. 2024." in text and "None" not in text
    assert "Synthèse par région de 2023" in text and "<th>Région (2023)</th>" in text
    assert "<th>Pourquoi</th>" in text and "a perdu la couverture" in text
    assert "Tombouctou" in text and "Ménaka" in text  # 2023 regions
    assert not re.search(r"<th>[a-z]+_[a-z_]+</th>", text)  # no snake_case header
    english = CliRunner().invoke(cli, ["report", "--out", str(tmp_path / "r.html")])
    assert english.exit_code == 0
    en = html.unescape((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert "Before: 30 Jun 2023; after: 22 Jul 2024." in en and "as_of=None" not in en
    assert "<th>Places with a single road route to Bamako</th>" in en


def test_report_in_french_needs_the_context_as_the_map_does():
    """Without the context, French reasons cannot be rendered: the report said them in English
    silently, while the map's timeline raised. Both raise the same error now."""
    import matplotlib.pyplot as plt
    import pytest

    from minusma.geo._errors import ParameterError
    from minusma.maps.exposure import exposure_timeline
    from minusma.maps.report import report_html

    study = Study()
    places = study.assess()
    table = study.summary(by="region_2023")
    figures = [plt.figure(), plt.figure()]
    try:
        with pytest.raises(ParameterError, match="need the Study's context") as from_report:
            report_html(places, table, map_figure=figures[0], chart_figure=figures[1], lang="fr")
    finally:
        for figure in figures:
            plt.close(figure)
    with pytest.raises(ParameterError) as from_map:
        exposure_timeline(study.timeline(), places, study.params(), lang="fr")
    assert str(from_report.value) == str(from_map.value)
    page = report_html(
        places,
        table,
        map_figure=plt.figure(),
        chart_figure=plt.figure(),
        lang="fr",
        context=study.context,
    )
    assert "a perdu la couverture" in page
