"""Property tests of parameter parsing: any input gives a valid value or a ParameterError (or, on
the command line, a usage error), never another exception (issue 10)."""

from __future__ import annotations

import datetime as dt
import math

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from minusma.cli.options import ISO_DATE, KM, SECONDS
from minusma.geo._errors import ParameterError
from minusma.geo.exposure.params import (
    RADIUS_KM_MAX,
    ExposureParams,
    check_km,
    parse_iso_date,
)
from minusma.layers.mission import MISSION

DATE_MIN, DATE_MAX = MISSION.first, MISSION.last

ANY = st.one_of(
    st.none(),
    st.text(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.dates(),
    st.datetimes(),
    st.lists(st.text(), max_size=3),
    st.booleans(),
)


@given(st.one_of(ANY, st.dates().map(dt.date.isoformat)))
def test_parse_iso_date_returns_a_date_in_range_or_a_parameter_error(value):
    try:
        got = parse_iso_date(value, period=MISSION)
    except ParameterError as exc:
        assert "as_of" in str(exc)
    else:
        assert isinstance(got, dt.date) and DATE_MIN <= got <= DATE_MAX


@given(st.dates(min_value=DATE_MIN, max_value=DATE_MAX))
def test_every_date_of_the_mission_parses_back_to_itself(day):
    assert parse_iso_date(day.isoformat(), period=MISSION) == day == parse_iso_date(day)


@given(st.one_of(ANY, st.floats().map(str), st.floats().map(repr)))
def test_check_km_returns_a_finite_radius_in_range_or_a_parameter_error(value):
    try:
        km = check_km(value)
    except ParameterError as exc:
        assert "radius_km" in str(exc)
    else:
        assert math.isfinite(km) and 0 < km <= RADIUS_KM_MAX


@given(
    radius_km=st.one_of(st.none(), st.floats(), st.text(max_size=8)),
    as_of=st.one_of(st.none(), st.text(max_size=12), st.dates()),
    close=st.one_of(st.none(), st.text(max_size=6), st.lists(st.text(max_size=6), max_size=3)),
    keep=st.one_of(st.none(), st.lists(st.text(max_size=6), max_size=3)),
    season=st.one_of(st.none(), st.sampled_from(["dry", "wet", "", "DRY", "monsoon"])),
)
def test_exposure_params_is_valid_or_a_parameter_error(radius_km, as_of, close, keep, season):
    try:
        p = ExposureParams.from_options(
            radius_km=radius_km, as_of=as_of, close=close, keep=keep, season=season
        )
    except ParameterError:
        return
    assert 0 < p.radius_km <= RADIUS_KM_MAX and p.season in ("dry", "wet")
    assert all(name.strip() == name and name for name in p.close + p.keep)
    assert not {n.casefold() for n in p.close} & {n.casefold() for n in p.keep}
    assert ExposureParams(**vars(p)) == p  # round trip


@settings(max_examples=40, deadline=None)
@given(
    st.one_of(
        st.text(min_size=1, max_size=12).filter(lambda s: not s.startswith("-")),
        st.floats().map(str),
    )
)
def test_cli_types_give_a_value_or_a_usage_error(text):
    import click

    @click.command()
    @click.option("--km", type=KM)
    @click.option("--date", type=ISO_DATE)
    @click.option("--seconds", type=SECONDS)
    def probe(km, date, seconds):
        click.echo(repr((km, date, seconds)))

    for option in ("--km", "--date", "--seconds"):
        result = CliRunner().invoke(probe, [option, text])
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert result.exit_code in (0, 2), result.output
        if result.exit_code == 2:
            assert "Invalid value for" in result.stderr and "Traceback" not in result.output
