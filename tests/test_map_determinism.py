"""The HTML map is byte-identical from one run to the next (issue 10 item 7)."""

from __future__ import annotations

import re

from minusma import Study
from minusma.maps.build import map_html, save_map


def test_the_same_map_renders_to_the_same_bytes(tmp_path):
    first = save_map(Study().map(as_of="2023-12-31"), tmp_path / "a.html").read_bytes()
    second = save_map(Study().map(as_of="2023-12-31"), tmp_path / "b.html").read_bytes()
    assert first == second
    # folium's ids (32 random hex digits by default) are numbered instead
    ids = set(re.findall(r"\b(?:map|tile_layer|feature_group)_([0-9a-f]{32})\b", first.decode()))
    assert ids and all(int(i, 16) < 100_000 for i in ids)


def test_different_parameters_still_give_different_pages():
    assert map_html(Study().map(as_of="2023-06-30")) != map_html(Study().map(as_of="2024-07-22"))
