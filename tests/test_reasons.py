"""Reasons are structured (a code and its parameters), rendered by the catalogue's templates in
each language: the English text is the assessment's ``reasons`` column, byte for byte."""

from __future__ import annotations

import string

import numpy as np
import pandas as pd
import pytest

from minusma.geo.exposure.reasons import CODES, explain
from minusma.geo.i18n import LANGS, text
from minusma.layers.assessment import assessment, context


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@pytest.fixture(scope="module")
def towns():
    ctx = context()  # the shipped layers
    out = assessment(ctx)
    return out, explain(
        out, air_reach_km=ctx.preparation.air_reach_km, labels=ctx.labels, hub_key=ctx.hub_key
    )


def test_every_code_has_a_template_with_the_same_fields_in_every_language():
    assert {"coverage_lost_on", "single_route", "no_airstrip", "central"} <= set(CODES)
    for code in CODES:
        fields = {lang: _fields(text(f"reason.{code}", lang)) for lang in LANGS}
        assert len({frozenset(f) for f in fields.values()}) == 1, (code, fields)


def test_english_rendering_is_the_assessments_reasons_column(towns):
    out, said = towns
    column = [None if pd.isna(v) else v for v in out["reasons"]]
    assert said.render("en").tolist() == column


def test_french_reasons_are_french_with_dates_in_words(towns):
    out, said = towns
    fr = pd.Series(said.render("fr"), index=out["town_id"])
    assert fr["ml-tombouctou"].startswith(
        "a perdu la couverture de Tombouctou (0 km) le 28 déc. 2023 ; Bamako à 879 km par la route"
    )
    assert "a perdu la couverture d'Aguel'hoc (0 km) le 23 oct. 2023" in fr["ml-aguelhok"]
    assert not fr.dropna().str.contains("lost coverage|road|unknown| on 20").any()


def test_codes_and_take_render_only_the_rows_asked(towns):
    out, said = towns
    codes = said.codes()
    assert set(codes["code"]) <= set(CODES) and codes["row"].between(0, len(out) - 1).all()
    rows = np.array([7, 2, 150])
    assert (said.take(rows).render("fr") == said.render("fr")[rows]).all()
    assert said.take([]).render("en").size == 0


def test_one_name_per_place_in_a_row(towns):
    out, _ = towns
    row = out.set_index("town_id").loc["ml-tombouctou"]
    assert row["name"] == row["base_before_name"] == "Tombouctou"
    assert "Timbuktu" in row["alt_names"] and "Timbuktu" not in row["reasons"]
    assert out.set_index("town_id").at["ml-aguelhok", "base_before_name"] == "Aguel'hoc"


@pytest.fixture(scope="module")
def settlements(data_dir):
    from minusma import Study

    study = Study(data_dir, places="settlements")
    out = study.assess(as_of="2024-03-01")
    return study.context, out


def _texts(values) -> list:
    return [None if v is None or v != v else v for v in values]


def test_distinct_texts_are_the_row_by_row_texts_on_18769_real_places(settlements, monkeypatch):
    """Above DISTINCT_MIN_ROWS a code is written once per distinct parameter set and rows share
    it: every language and every join gives the same text as writing each row."""
    from minusma.geo.exposure import reasons

    ctx, out = settlements
    said = explain(
        out, air_reach_km=ctx.preparation.air_reach_km, labels=ctx.labels, hub_key=ctx.hub_key
    )
    assert len(out) > reasons.DISTINCT_MIN_ROWS
    shared = {lang: said.render(lang) for lang in LANGS}
    distinct = len(set(shared["en"].tolist()))
    assert distinct < len(out) / 4  # the case it is made for: many places say the same thing
    monkeypatch.setattr(reasons, "DISTINCT_MIN_ROWS", 10**12)
    for lang in LANGS:
        assert _texts(said.render(lang)) == _texts(shared[lang]), lang
    assert _texts(out["reasons"]) == _texts(shared["en"])


def test_values_equal_but_written_differently_are_not_shared(monkeypatch):
    """1, 1.0 and True are equal in Python but written "1", "1.0" and "True": never shared."""
    from minusma.geo.exposure import reasons

    params = {
        "n": np.array([1, 1.0, True, 1], dtype=object),
        "segment": np.array(["Diré–Goundam"] * 3 + [None], dtype=object),
    }
    part = reasons.Part("single_route", np.arange(4), params)
    monkeypatch.setattr(reasons, "DISTINCT_MIN_ROWS", 10**12)
    each = part.render("en").tolist()
    monkeypatch.setattr(reasons, "DISTINCT_MIN_ROWS", 1)
    assert part.render("en").tolist() == each
    assert len(set(each)) == 4
    parts = [np.array(["a", "a", "", "a"], object), np.array(["b", "", "", "b"], object)]
    assert reasons.join(parts, empty=None).tolist() == ["a; b", "a", None, "a; b"]
