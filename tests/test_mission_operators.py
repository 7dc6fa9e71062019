"""The exposure model holds no mission name: which operators' flights end with the sites is data
given by the layers (``minusma.layers.air_links.MISSION_OPERATORS``)."""

from __future__ import annotations

import ast
from pathlib import Path

from minusma import layers
from minusma.geo.exposure import lifelines
from minusma.layers.air_links import MISSION_OPERATORS

GEO = Path(__file__).resolve().parents[1] / "geo"


def test_mission_links_end_with_their_site_only_when_named():
    links = layers.air_links()
    closures = {"GAKL": "2023-10-31"}  # Kidal's site closed on 31 Oct 2023
    after = "2023-11-15"
    named = lifelines.link_states(
        links, as_of=after, base_closure_by_airport=closures, mission_operators=MISSION_OPERATORS
    ).set_axis(links["link_id"])
    unnamed = lifelines.link_states(links, as_of=after, base_closure_by_airport=closures).set_axis(
        links["link_id"]
    )
    kidal = [i for i in links["link_id"] if "kidal" in i and "minusma" in i]
    assert kidal and (named[kidal] == "inactive").all()
    assert (unnamed[kidal] != named[kidal]).all()


def test_no_mission_or_country_name_is_a_string_constant_in_the_exposure_model():
    found = []
    for path in (GEO / "exposure").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in ("MINUSMA", "Sky Mali"):
                found.append(f"{path.name}:{node.lineno}")
    assert not found, found
