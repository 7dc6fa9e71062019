"""One name for a site in each language (layers.bases.site_label), used by the QGIS styles, the
web map's popups and timeline, the charts and the scenario labels alike (there were three
copies, two splitting the town on " (" and one with a regex)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from minusma.layers.bases import bases, site_label, site_town
from minusma.layers.scenarios import town_of_site
from minusma.layers.styles import layer_qml


def test_a_site_is_named_by_its_kind_and_town_in_french_by_its_name_in_english():
    sites = bases().set_index("base_id", drop=False)
    assert site_label(sites.loc["MINUSMA-02"], "en") == "Ber camp"
    assert site_label(sites.loc["MINUSMA-02"], "fr") == "camp de Ber"
    assert site_label(sites.loc["MINUSMA-01"], "fr") == "base opérationnelle temporaire d'Ogossagou"
    assert site_town(sites.loc["MINUSMA-10", "town"]) == "Sévaré"  # "Sévaré (Mopti commune)"
    for _, row in sites.iterrows():  # the sources' parenthesised detail is never shown
        assert site_label(row, "en") == row["name"]
        assert "(" not in site_label(row, "fr") and "(" not in site_town(row["town"])


def test_the_qgis_styles_and_the_scenarios_name_the_sites_with_it():
    sites = bases()
    french = layer_qml("bases", lang="fr")
    for _, row in sites.iterrows():
        label = escape(site_label(row, "fr")).replace("'", "''")
        assert f"WHEN '{row['base_id']}' THEN '{label}'" in french
        assert town_of_site(sites, row["base_id"]) == site_town(row["town"])
