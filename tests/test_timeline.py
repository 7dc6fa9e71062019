"""The timeline agrees with bases(as_of=...) and reports the change between steps."""

import pytest

import minusma.layers as L
from minusma.geo.exposure.timeline import changes, closure_steps, timeline
from minusma.layers.assessment import context
from minusma.layers.mission import BEFORE_DATE


@pytest.fixture(scope="module")
def steps():
    return timeline(context())


def test_thirteen_states_agree_with_bases(steps):
    dates = closure_steps(L.bases(), before=BEFORE_DATE)
    assert len(dates) == 13 and dates[0] == "2023-06-30" and dates[-1] == "2024-07-22"
    per_step = steps.groupby("step").first()
    for _, row in per_step.iterrows():
        assert row["sites_open"] == len(L.bases(as_of=row["as_of"]))
    assert (
        per_step.loc[5, "sites_closed_on_step"] == "MINUSMA-05;MINUSMA-06"
    )  # two close on 2023-10-21


def test_changes_name_the_step_each_town_lost_cover(steps):
    ch = changes(steps)
    lost = ch[ch["coverage_lost_now"]].set_index("town_id")["as_of"]
    assert lost["ml-ber"] == "2023-08-13" and lost["ml-menaka"] == "2023-08-25"
    assert lost["ml-tombouctou"] == "2023-12-28" and lost["ml-gao"] == "2024-07-22"
    assert ch.groupby("town_id").size().max() == 12
