"""The layer registry ``layers/data/layers.json`` is the test oracle: every entry is loaded and
checked against what it declares (shipped and analysis layers always, open-data layers from the
data directory)."""

from __future__ import annotations

import functools
import json
from importlib import resources

import pytest

from minusma.geo._errors import UnknownNameError
from minusma.geo._validate import validate_frame
from minusma.geo.names import name_key
from minusma.layers.registry import GEOMETRY_KINDS, KINDS, get_info, layer_names, load, loader


@functools.cache
def _loaded(name: str, data_dir: str | None):
    return load(name, data_dir=data_dir)


@pytest.mark.parametrize("name", layer_names())
def test_layer_matches_its_registry_entry(name, request):
    info = get_info(name)
    data_dir = request.getfixturevalue("data_dir") if info.needs_data_dir else None
    gdf = _loaded(name, str(data_dir) if data_dir is not None else None)
    schema = info.schema
    validate_frame(gdf, schema, name=name)  # declared columns present, kinds, nulls, choices
    if not schema.extra_columns_allowed:
        assert list(gdf.columns) == schema.names
    assert gdf.crs.to_epsg() == 4326
    assert len(gdf) > 0
    ids = gdf[info.id_column]
    assert ids.notna().all() and ids.is_unique
    present = gdf.geometry.notna() & ~gdf.geometry.is_empty
    assert present.any()
    assert set(gdf.geometry[present].geom_type) <= set(schema.geometry_types)
    if "geometry_kind" in gdf:  # the rows say what the entry says
        assert set(gdf["geometry_kind"]) == {info.geometry_kind}
    assert info.geometry_kind in GEOMETRY_KINDS
    assert info.licence and info.attribution and info.sources and all(info.sources)
    assert info.title and info.description


def test_the_registry_file_lists_every_kind_in_order():
    text = (
        resources.files("minusma.layers")
        .joinpath("data", "layers.json")
        .read_text(encoding="utf-8")
    )
    entries = json.loads(text)["layers"]
    assert [e["name"] for e in entries] == layer_names()
    kinds = [e["kind"] for e in entries]
    assert kinds == sorted(kinds, key=KINDS.index)  # shipped, then open, then analysis
    assert layer_names("analysis") == ["exposure", "segment_criticality", "exposure_timeline"]
    assert {"bases", "towns", "events"} <= set(layer_names("shipped"))
    assert "settlements" in layer_names("open")
    assert len({name_key(n) for n in layer_names()}) == len(layer_names())


@pytest.mark.parametrize("name", layer_names())
def test_every_loader_is_a_function_of_the_layers_package(name):
    info = get_info(name)
    assert info.loader.startswith("minusma.layers.")
    assert callable(loader(name))


@pytest.mark.parametrize(
    "typed,name", [("Air links", "air_links"), ("AIR-LINKS", "air_links"), ("Régions", "regions")]
)
def test_names_match_ignoring_case_accents_and_punctuation(typed, name):
    assert get_info(typed).name == name


def test_an_unknown_name_suggests_close_ones_and_lists_every_layer():
    with pytest.raises(UnknownNameError) as err:
        get_info("settlement")
    message = str(err.value)
    assert message.startswith("no layer named 'settlement'; did you mean 'settlements'?")
    assert message.endswith("valid layers: " + ", ".join(layer_names()))
    with pytest.raises(UnknownNameError, match=r"^no layer named 'zzz'; valid layers: bases"):
        get_info("zzz")


def test_an_unknown_kind_is_refused():
    with pytest.raises(UnknownNameError, match="valid kinds: shipped, open, analysis"):
        layer_names("shiped")


def test_only_open_layers_need_the_data_directory():
    assert [n for n in layer_names() if get_info(n).needs_data_dir] == layer_names("open")
