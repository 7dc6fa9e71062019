"""How each command lays out its table for people: which columns, headers, widths and formats.

Declarative only: a :class:`Layout` names its columns by the keys of the command's frame, so a
header can be shown as the key itself or looked up as a label (``label``, a key of the
:mod:`minusma.geo.i18n` catalogue), and :func:`minusma.output.table_text` (the one renderer) turns
a frame and a layout into text. CSV and JSON do not use layouts: they carry every column under
its key.

Two engines:

- ``"grid"``: fixed-width columns written cell by cell (``width``, ``align``, ``pad`` before the
  column, ``cut`` to shorten long text), a rule of dashes under the header, and optionally
  ``detail``: one column written below each row as wrapped bullet lines (the towns' reasons).
- ``"frame"``: pandas' own text of the shown columns (index and column names as pandas prints
  them), for tables whose cells are built from several columns (``pair``, ``keys``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "CELLS",
    "LAYOUTS",
    "Column",
    "Detail",
    "Layout",
    "get_layout",
    "validate_layout",
]

#: The kinds of cell :func:`minusma.output.table_text` writes (``Column.cell``).
CELLS = (
    "text",  # the value as text (missing: ``missing``)
    "number",  # a number by ``spec`` (missing: ``missing``); the language's decimal separator
    "integer",  # a whole number (missing: ``missing``)
    "pair",  # ``key + pair[0]`` and ``key + pair[1]`` as numbers by ``spec``, joined by ``sep``
    "keys",  # ``keys`` as text joined by ``sep`` (empty when the first is missing)
    "template",  # ``template`` filled with the row's values
    "interval",  # ``key``, ``key_low`` and ``key_high`` as "v [lo, hi]" (``spec`` decimals)
    "label",  # ``label_prefix + value`` in the catalogue (a value it lacks: as it is); with
    # ``sep``, each ``sep``-separated part so; with ``keys``, the words of ``keys[0]``'s value
    "tagged",  # ``label_prefix + value``, else ``label_prefix + tag`` filled with ``rest``
    # (``close-Ber``: ``tag-rest``, split at the first ``-``); a value it lacks: as it is
    "yes_no",  # a boolean as the catalogue's yes/no
    "choice",  # the value looked up in ``choices`` (value -> catalogue key), in the language
    "size",  # a size in bytes as kB or MB
    "rank_range",  # ``rank_min``-``rank_max`` and whether the class is uncertain (towns)
)


@dataclass(frozen=True)
class Column:
    """One column of a table layout.

    Parameters
    ----------
    key
        The frame's column the cell is read from (for ``pair``: the stem of the two columns).
    header
        The header in English; None: the key.
    label
        A catalogue key (:func:`minusma.geo.i18n.text`) giving the header in the output language;
        None: ``header``.
    label_fields
        Fields of the ``label``'s template (``P@{k}``).
    cell
        How the cell is written: one of :data:`CELLS`.
    spec
        Format spec of numbers (``",.0f"``, ``".1f"``); for ``interval``, the decimals.
    width
        Fixed width (longer cells overflow unless ``cut``); None: the widest of the header and
        the cells (``grid``), or pandas' own (``frame``).
    min_width
        Smallest width when it is computed.
    align
        ``"<"`` (left) or ``">"`` (right).
    pad
        Text written before the column (``grid``; ignored for the first column).
    pad_label
        A catalogue key whose words are written after ``pad``, before the cell (``grid``).
    cut
        Longest cell, in characters; longer text is cut (ending with ``ellipsis``).
    ellipsis
        Ends a cut cell (empty: cut bare).
    missing
        Text of a missing value.
    missing_label
        A catalogue key giving the text of a missing value in the output language; it wins
        over ``missing``.
    keys, sep, pair, template, label_prefix, choices
        What ``keys``, ``pair``, ``template``, ``label`` and ``choice`` cells read (a
        ``choice`` with ``keys`` looks up the tuple of their values; ``choices`` give catalogue
        keys, written in the output language).
    optional
        Left out when the frame lacks ``key`` (else a missing column is an error).
    """

    key: str
    header: str | None = None
    label: str | None = None
    label_fields: Mapping[str, object] = field(default_factory=dict)
    cell: str = "text"
    spec: str = ""
    width: int | None = None
    min_width: int = 0
    align: str = "<"
    pad: str = "  "
    pad_label: str | None = None
    cut: int | None = None
    ellipsis: str = ""
    missing: str = ""
    missing_label: str | None = None
    keys: tuple[str, ...] = ()
    sep: str = ""
    pair: tuple[str, str] = ("_before", "_after")
    template: str = ""
    label_prefix: str = ""
    choices: Mapping[object, str] = field(default_factory=dict)
    optional: bool = False

    def __post_init__(self) -> None:
        """Check the cell kind and the alignment."""
        if self.cell not in CELLS:
            raise ValueError(f"unknown cell {self.cell!r}; choose from {list(CELLS)}")
        if self.align not in ("<", ">"):
            raise ValueError(f"align must be '<' or '>', got {self.align!r}")


@dataclass(frozen=True)
class Detail:
    """A column written under each row as wrapped bullet lines (``grid`` only).

    Parameters
    ----------
    key
        The frame's column.
    split_label
        Catalogue key of the separator between items (each item is one bullet).
    missing_label
        Catalogue key of the text when the value is missing.
    width
        Line width.
    first, rest
        Indent of an item's first line and of the lines it wraps onto.
    """

    key: str
    split_label: str
    missing_label: str
    width: int = 100
    first: str = "      - "
    rest: str = "        "


@dataclass(frozen=True)
class Layout:
    """A command's table: its columns and how they are written.

    Parameters
    ----------
    columns
        The columns, in order.
    engine
        ``"grid"`` or ``"frame"`` (see the module's docstring).
    index
        ``grid``: a first column read from the frame's index; ``frame``: the frame's index is
        printed by pandas whatever this holds (None hides it).
    rule
        ``grid``: the character of the line under the header (None: no line), as long as the
        header line or ``rule_width``.
    rule_width
        Length of the rule; None: the header line's.
    strip
        Strip trailing spaces from every line.
    header
        ``grid``: write the header line (and its rule); False: the rows alone.
    indent
        ``grid``: text written before every line.
    empty
        Text written instead of an empty table; None: the header alone.
    detail
        ``grid``: a column written under each row (:class:`Detail`).
    show_index
        ``frame``: print the index.
    max_colwidth
        ``frame``: pandas' ``max_colwidth``.
    fill
        ``frame``: text of missing values ("" for blank cells; None: pandas' own).
    round_by_unit
        ``frame``: round numbers by unit first (:func:`minusma.output.rounded`).
    float_spec
        ``frame``: format spec of every float (pandas' ``float_format``), with the language's
        decimal separator.
    na_rep
        ``frame``: text of missing values, written by pandas (unlike ``fill``, float columns
        stay floats).
    title
        A line (or lines) above the table: a ``str.format`` template filled with the frame's
        ``attrs`` and the context the command passes (e.g. the validation's metadata).
    title_label
        A catalogue key (:func:`minusma.geo.i18n.text`) giving ``title`` in the output language,
        filled the same way; it wins over ``title``.
    empty_label
        A catalogue key giving ``empty`` in the output language; it wins over ``empty``.
    title_terms
        Fields of the title that are codes, and the catalogue prefix that words them: the field
        reads as ``prefix + value`` (filled with the title's fields) where the catalogue has it.
    index_labels
        ``frame``: index values the package made (not data) and the catalogue keys of their
        words, e.g. the unit of places without one.
    """

    columns: tuple[Column, ...]
    engine: str = "grid"
    index: Column | None = None
    rule: str | None = "-"
    rule_width: int | None = None
    strip: bool = False
    header: bool = True
    indent: str = ""
    empty: str | None = None
    detail: Detail | None = None
    show_index: bool = True
    max_colwidth: int | None = None
    fill: str | None = None
    round_by_unit: bool = False
    float_spec: str | None = None
    na_rep: str | None = None
    title: str | None = None
    title_label: str | None = None
    empty_label: str | None = None
    title_terms: Mapping[str, str] = field(default_factory=dict)
    index_labels: Mapping[object, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Check the engine."""
        if self.engine not in ("grid", "frame"):
            raise ValueError(f"engine must be 'grid' or 'frame', got {self.engine!r}")

    @property
    def keys(self) -> list[str]:
        """The frame columns the layout shows, in order (the headers' keys)."""
        return [c.key for c in self.columns]


def _num(key: str, label: str, spec: str = ",.0f", **kw) -> Column:
    """A right-aligned number column (missing: ``-``), headed by the catalogue's ``label``."""
    return Column(key, label=label, cell="number", spec=spec, align=">", missing="-", **kw)


#: ``minusma towns``: a header line per town, then its reasons, wrapped.
TOWNS = Layout(
    columns=(
        Column(
            "exposure_rank", label="towns.rank", cell="integer", width=4, align=">", missing="-"
        ),
        Column(
            "name",
            label="towns.town",
            cell="template",
            template="{name} ({town_id})",
            width=28,
            cut=28,
        ),
        Column(
            "exposure_class",
            label="towns.class",
            cell="label",
            label_prefix="class.",
            width=9,
            pad=" ",
        ),
        Column(
            "exposure_score",
            label="towns.score",
            cell="number",
            spec=".1f",
            width=5,
            align=">",
            missing="-",
            pad=" ",
        ),
        Column("data_gap", label="towns.data_gap", cell="yes_no", width=8),
        Column("rank_min", label="towns.robustness", cell="rank_range"),
    ),
    rule_width=100,
    detail=Detail("reasons", split_label="reason.sep", missing_label="towns.no_reasons"),
)

#: ``minusma scenarios``: one row of figures per scenario.
SCENARIOS = Layout(
    index=Column(
        "scenario", label="scenarios.scenario", cell="tagged", label_prefix="scenarios.id."
    ),
    columns=(
        _num("places_high", "scenarios.high", min_width=8),
        _num("places_severe", "scenarios.severe", min_width=8),
        _num("people_exposed", "scenarios.people_exposed", min_width=8),
        _num("no_population_exposed", "scenarios.no_population", min_width=8),
        _num("places_covered", "scenarios.covered", min_width=8),
        _num("people_covered", "scenarios.people_covered", min_width=8),
    ),
)

#: ``minusma summary``: per unit, ``before -> after`` of the main figures.
SUMMARY = Layout(
    engine="frame",
    columns=(
        Column("places", label="summary.places"),
        Column(
            "places_high", label="summary.high", cell="pair", spec=",.0f", sep=" -> ", missing="NA"
        ),
        Column(
            "places_severe",
            label="summary.severe",
            cell="pair",
            spec=",.0f",
            sep=" -> ",
            missing="NA",
        ),
        Column(
            "census_people_high_severe",
            label="summary.census_hs",
            cell="pair",
            spec=",.0f",
            sep=" -> ",
            missing="NA",
        ),
        Column(
            "places_high_severe_no_census",
            label="summary.no_census",
            cell="pair",
            spec=",.0f",
            sep=" -> ",
            missing="NA",
        ),
        Column(
            "single_road_places",
            label="summary.single_road",
            cell="pair",
            spec=",.0f",
            sep=" -> ",
            missing="NA",
        ),
        Column("places_lost_coverage", label="summary.lost_cover"),
        Column(
            "coverage_lost_first",
            label="summary.lost_first_last",
            cell="keys",
            keys=("coverage_lost_first", "coverage_lost_last"),
            sep="..",
        ),
        Column(
            "worldpop_near_open_site_before",
            label="summary.wp_near_site_before",
            cell="number",
            spec=",.0f",
            missing="NA",
            optional=True,
        ),
        Column(
            "worldpop_near_open_site_after",
            label="summary.wp_near_site_after",
            cell="number",
            spec=",.0f",
            missing="NA",
            optional=True,
        ),
    ),
    title_label="summary.title",
    index_labels={"(unknown)": "summary.no_unit"},  # layers.summary.NO_UNIT
)


def validate_layout(ks: tuple[int, ...] = (10, 25, 50)) -> Layout:
    """The layout of ``minusma validate``: one row per ranking, intervals in brackets.

    Parameters
    ----------
    ks
        The ``k`` of the precision-at-k columns shown.

    Returns
    -------
    Layout
        Its columns, with the validation's metadata above them.
    """
    return Layout(
        columns=(
            Column("name", label="validate.ranking", width=26, cut=26, pad=""),
            Column(
                "kind",
                label="validate.kind",
                cell="label",
                label_prefix="validate.kind.",
                width=9,
                pad=" ",
            ),
            Column("auc", label="validate.auc", cell="interval", spec="2", width=19, pad=" "),
            Column("ap", label="validate.ap", cell="interval", spec="2", width=19, pad=" "),
            *(
                Column(
                    f"precision_at_{k}",
                    label="validate.p_at",
                    label_fields={"k": k},
                    cell="number",
                    spec=".2f",
                    width=5,
                    align=">",
                    missing="-",
                    pad=" ",
                )
                for k in ks
            ),
            Column(
                "n_scored",
                label="validate.scored",
                cell="template",
                template="{n_scored}/{n_places}",
                width=9,
                align=">",
                pad=" ",
            ),
            Column("n_positive", label="validate.pos", cell="integer", width=4, align=">", pad=" "),
            Column("diff_auc", label="validate.diff_auc", cell="interval", spec="2", width=20),
        ),
        title_label="validate.title",
        title_terms={
            "sample": "validate.sample.",
            "sample_note_code": "validate.note.",
            "interval": "validate.interval.",
            "places": "validate.places.",
            "events_format": "validate.format.",
        },
    )


#: ``minusma validate`` at the default ``k``.
VALIDATE = validate_layout()

#: ``minusma diff``: the places whose class changes.
DIFF = Layout(
    engine="frame",
    columns=(
        Column("name"),
        Column("class_a", cell="label", label_prefix="class."),
        Column("class_b", cell="label", label_prefix="class."),
        Column("rank_a"),
        Column("rank_b"),
        # two decimals, as CSV rounds a score (minusma.output.DECIMALS_BY_SUFFIX)
        Column("exposure_score_change", cell="number", spec=".2f"),
        Column("reasons_added"),
        Column("reasons_removed"),
    ),
    empty_label="diff.none",
    max_colwidth=80,
    fill="",
    round_by_unit=True,
)

#: ``minusma query nearest|within``: the places found.
FOUND = Layout(
    engine="frame",
    columns=(Column("id"), Column("name"), Column("distance_km")),
    empty_label="found.none",
    show_index=False,
    float_spec=".1f",
)

#: ``minusma query route``: the route's segments (its total is a line of the catalogue below).
ROUTE = Layout(
    engine="frame",
    columns=(
        Column("step", label="route.step"),
        Column("label", label="route.label"),
        Column("road_class", label="route.road_class", cell="label", label_prefix="road."),
        Column("length_km", label="route.length_km"),
        Column("travel_h", label="route.travel_h"),
        Column(
            "data_gap",
            label="route.data_gap",
            cell="label",
            label_prefix="route.gap.",
            sep="; ",
            missing="-",
        ),
    ),
    show_index=False,
    na_rep="-",
    float_spec=".2f",
)

#: ``minusma population``: people near the open sites after each closure.
POPULATION_STEPS = Layout(
    columns=(
        Column("as_of", label="population.date", width=10, pad=""),
        Column(
            "closed",
            label="population.closed",
            width=18,
            cut=18,
            missing_label="population.before_any",
        ),
        Column("sites_open", label="population.open", cell="integer", width=4, align=">", pad=" "),
        _num("people_within_km", "population.people", width=11, pad=" "),
        _num("people_within_km_without_hq", "population.without_hq", width=11, pad=" "),
        _num("people_lost_since_before", "population.lost", width=11, pad=" "),
    ),
    rule=None,
    title_label="population.title",
)

#: ``minusma population``: people near the open sites per region, before and after.
POPULATION_REGIONS = Layout(
    index=Column("region", label="population.region", width=20, cut=20, pad=""),
    columns=(
        _num("population", "population.population", width=11, pad=" "),
        _num("people_within_km_before", "population.before", width=11, pad=" "),
        _num("people_within_km_after", "population.after", width=11, pad=" "),
        _num("people_lost", "population.lost", width=11, pad=" "),
        Column(
            "share_lost",
            label="population.share",
            cell="number",
            spec=".0%",
            width=6,
            align=">",
            pad=" ",
        ),
    ),
    rule=None,
    title_label="population.regions_title",
    title_terms={"unit": "population.unit."},
)

#: ``minusma plan``: each answer's sites, figure and gain over the actual withdrawal.
PLAN = Layout(
    index=Column("answer", cell="label", label_prefix="plan.answer.", width=10, pad=""),
    columns=(
        Column("sites", pad=" "),
        _num("value", "plan.value", width=12),
        _num("gain_over_actual", "plan.gain", spec="+,.0f", width=12, pad_label="plan.gain_over"),
    ),
    header=False,
    rule=None,
    indent="  ",
)

#: ``minusma layers``: one table per kind of layer (its heading above it).
LAYERS = Layout(
    engine="frame",
    columns=(
        Column("layer", label="layers.layer"),
        Column(
            "title",
            label="layers.title",
            cell="label",
            label_prefix="layers.title.",
            keys=("layer",),
        ),
        Column("geometry", label="layers.geometry"),
        Column(
            "geometry_kind", label="layers.geometry_kind", cell="label", label_prefix="layers.kind."
        ),
        Column("licence", label="layers.licence"),
    ),
    show_index=False,
    max_colwidth=60,
    title_label="layers.heading",
    title_terms={"kind": "layers.heading."},
)

#: ``minusma data``: the registered datasets and their state.
DATA = Layout(
    columns=(
        Column("name", label="data.dataset", pad=""),
        Column(
            "present",
            label="data.present",
            cell="choice",
            keys=("present", "optional"),
            choices={
                (True, True): "data.yes",
                (True, False): "data.yes",
                (False, True): "data.no_optional",
                (False, False): "data.no",
            },
        ),
        Column("size_bytes", label="data.size", cell="size"),
        Column(
            "sha256_ok",
            label="data.sha256",
            cell="choice",
            choices={True: "data.ok", False: "data.differs"},
            missing="-",
        ),
        Column(
            "valid",
            label="data.valid",
            cell="choice",
            choices={True: "data.yes", False: "data.no"},
            missing="-",
        ),
        Column("licence", label="data.licence", cut=48, ellipsis="…"),
        Column("attribution", label="data.attribution", cut=48, ellipsis="…"),
    ),
    rule=None,
    strip=True,
)

#: Every layout by command.
LAYOUTS: Mapping[str, Layout] = {
    "towns": TOWNS,
    "scenarios": SCENARIOS,
    "summary": SUMMARY,
    "validate": VALIDATE,
    "diff": DIFF,
    "found": FOUND,
    "route": ROUTE,
    "population_steps": POPULATION_STEPS,
    "population_regions": POPULATION_REGIONS,
    "plan": PLAN,
    "layers": LAYERS,
    "data": DATA,
}


def get_layout(name: str) -> Layout:
    """The layout of a command's table.

    Parameters
    ----------
    name
        A key of :data:`LAYOUTS`.

    Returns
    -------
    Layout
        The layout.

    Raises
    ------
    KeyError
        For an unknown name, listing the known ones.
    """
    try:
        return LAYOUTS[name]
    except KeyError:
        raise KeyError(f"no table layout {name!r}; known: {sorted(LAYOUTS)}") from None
