"""Does a ranking find the places where events happened? Labels, ranking metrics and a bootstrap.

Generic: works on any GeoDataFrame of places (points, EPSG:4326), any table of event points, and
any score where **higher means more exposed**. Nothing here knows about MINUSMA or the layers.

Labels
    :func:`positive_places`: a place is positive when at least one event lies within ``match_km`` of
    it, plus the event's location uncertainty where given (``location_precision_km``). Candidate
    pairs come from a KD-tree on the unit sphere (chord distance orders points like great-circle
    distance; the search radius is widened by 1 % to cover the ellipsoid), then every candidate is
    measured exactly on the WGS84 ellipsoid (pyproj geodesic) and kept when within its radius.

Metrics (all on the places that have both a label and a score)
    * :func:`roc_auc`: the probability that a random positive outranks a random negative, ties
      counting one half (the Mann-Whitney statistic with mid-ranks; equal to the trapezoidal area
      under the ROC curve, as scikit-learn's ``roc_auc_score`` computes it).
    * :func:`average_precision`: ``sum_n (R_n - R_{n-1}) P_n`` over the distinct score thresholds
      (tied places enter together), as scikit-learn's ``average_precision_score``.
    * :func:`precision_at_k` / :func:`recall_at_k`: share of the top ``k`` places that are positive,
      and share of the positives found in the top ``k``. When tied scores straddle the ``k``-th
      place, the tied group contributes its expected number of positives under a random order of
      the ties (``(k - n_above) * positives_in_group / size_of_group``), so ties never favour a
      ranking. ``k`` larger than the number of scored places is cut to that number.

Bootstrap
    :func:`compare_rankings` resamples *places* with replacement (``n_boot`` draws, seeded) and
    recomputes every metric of every ranking on the **same** draws, so that the difference between
    the reference ranking and each other ranking is paired. Intervals are the 2.5th and 97.5th
    percentiles of the draws (percentile bootstrap); draws in which a metric is undefined (no
    positive or no negative drawn) are left out of its percentiles. A draw is a vector of
    multiplicities, and every metric is computed for all draws at once from sums over tie groups,
    which is what makes 1,000 draws on 18,769 places take seconds, not minutes.

Places without a score
    are excluded from that ranking's metrics (not scored zero) and counted: ``n_places`` is the
    number of labelled places, ``n_scored`` the number the ranking could rank. Places without a
    label (no coordinate) are excluded from every ranking and counted by the caller. The paired
    difference is computed on the places both rankings score.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from minusma.geo._errors import ParameterError
from minusma.geo.distance import EARTH_RADIUS_KM, geodesic_km
from minusma.geo.progress import progress

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_KS",
    "DEFAULT_MATCH_KM",
    "DEFAULT_N_BOOT",
    "average_precision",
    "bootstrap_metrics",
    "compare_rankings",
    "match_events",
    "positive_places",
    "precision_at_k",
    "recall_at_k",
    "roc_auc",
]

#: Match radius in km (a MODELLING CHOICE: event datasets geocode most events to the nearest town or
#: village, so an event "in" a place lies at its point or a few km away; see docs/analysis.md).
DEFAULT_MATCH_KM = 10.0
#: Cut-offs of precision and recall in the top k.
DEFAULT_KS: tuple[int, ...] = (10, 25, 50)
#: Bootstrap draws.
DEFAULT_N_BOOT = 1000
#: Draws evaluated at once (bounds memory: ``chunk x places`` multiplicities).
_CHUNK = 100
#: Sphere-to-ellipsoid margin on the candidate search radius (the two differ by under 0.5 %).
_MARGIN = 1.01


def _unit_vectors(lon: NDArray, lat: NDArray) -> NDArray:
    lon_r, lat_r = np.radians(lon), np.radians(lat)
    cos_lat = np.cos(lat_r)
    return np.column_stack([cos_lat * np.cos(lon_r), cos_lat * np.sin(lon_r), np.sin(lat_r)])


def _points(frame: gpd.GeoDataFrame | pd.DataFrame) -> tuple[NDArray, NDArray]:
    """Longitudes and latitudes of a frame's points (NaN where there is none)."""
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        geom = frame.geometry
        if geom.crs is not None and geom.crs.to_epsg() != 4326:
            geom = geom.to_crs(4326)
        present = ~(geom.isna() | geom.is_empty).to_numpy()
        lon = np.full(len(frame), np.nan)
        lat = np.full(len(frame), np.nan)
        lon[present] = geom[present].x.to_numpy()
        lat[present] = geom[present].y.to_numpy()
        return lon, lat
    if {"lon", "lat"} <= set(frame.columns):
        return frame["lon"].to_numpy("float64"), frame["lat"].to_numpy("float64")
    raise ParameterError("need point geometries (EPSG:4326) or 'lon'/'lat' columns")


def _precision(events: pd.DataFrame, precision_km: str | ArrayLike | None) -> NDArray:
    if precision_km is None:
        if "location_precision_km" in events.columns:
            return events["location_precision_km"].to_numpy("float64")
        return np.zeros(len(events))
    if isinstance(precision_km, str):
        return events[precision_km].to_numpy("float64")
    out = np.broadcast_to(np.asarray(precision_km, dtype="float64"), (len(events),)).copy()
    return out


def match_events(
    places: gpd.GeoDataFrame | pd.DataFrame,
    events: gpd.GeoDataFrame | pd.DataFrame,
    *,
    match_km: float = DEFAULT_MATCH_KM,
    precision_km: str | ArrayLike | None = None,
) -> pd.DataFrame:
    """Every (place, event) pair within ``match_km`` plus the event's location uncertainty.

    Parameters
    ----------
    places
        Point GeoDataFrame in EPSG:4326 (or a frame with ``lon``/``lat`` columns). Rows without a
        point never match.
    events
        The events, in the same form.
    match_km
        Match radius in km (>= 0).
    precision_km
        Location uncertainty of each event in km, added to ``match_km``: a column name, an array
        or a scalar. Default: the ``location_precision_km`` column when present, else 0. Events
        whose uncertainty is NaN (e.g. located only to the country) never match.

    Returns
    -------
    pandas.DataFrame
        Columns ``place`` and ``event`` (positions in the inputs) and ``distance_km`` (geodesic),
        sorted by place then event; its ``attrs`` hold ``events_unlocated`` (events without a point
        or with an unknown uncertainty).

    Raises
    ------
    ParameterError
        ``match_km`` is not a finite number >= 0, or an uncertainty is negative.
    """
    if not (np.isfinite(match_km) and match_km >= 0):
        raise ParameterError(f"match_km must be a finite number >= 0, got {match_km!r}")
    p_lon, p_lat = _points(places)
    e_lon, e_lat = _points(events)
    radius = match_km + _precision(events, precision_km)
    if np.any(radius < 0):
        raise ParameterError("location precision must be >= 0 km")
    p_ok = np.isfinite(p_lon) & np.isfinite(p_lat)
    e_ok = np.isfinite(e_lon) & np.isfinite(e_lat) & np.isfinite(radius)
    empty = pd.DataFrame(
        {
            "place": np.array([], "int64"),
            "event": np.array([], "int64"),
            "distance_km": np.array([], "float64"),
        }
    )
    empty.attrs["events_unlocated"] = int((~e_ok).sum())
    if not p_ok.any() or not e_ok.any():
        return empty
    p_idx = np.flatnonzero(p_ok)
    e_idx = np.flatnonzero(e_ok)
    tree = cKDTree(_unit_vectors(p_lon[p_ok], p_lat[p_ok]))
    # chord length of the great-circle radius, widened for the ellipsoid
    chord = 2.0 * np.sin(np.minimum(radius[e_ok] * _MARGIN / (2.0 * EARTH_RADIUS_KM), np.pi / 2))
    hits = tree.query_ball_point(_unit_vectors(e_lon[e_ok], e_lat[e_ok]), r=chord)
    counts = np.fromiter((len(h) for h in hits), dtype="int64", count=len(hits))
    if counts.sum() == 0:
        return empty
    ev = np.repeat(e_idx, counts)
    pl = p_idx[np.concatenate([np.asarray(h, dtype="int64") for h in hits])]
    dist = np.asarray(geodesic_km(p_lon[pl], p_lat[pl], e_lon[ev], e_lat[ev]), dtype="float64")
    keep = dist <= radius[ev]
    out = (
        pd.DataFrame({"place": pl[keep], "event": ev[keep], "distance_km": dist[keep]})
        .sort_values(["place", "event"])
        .reset_index(drop=True)
    )
    out.attrs["events_unlocated"] = int((~e_ok).sum())
    return out


def positive_places(
    places: gpd.GeoDataFrame | pd.DataFrame,
    events: gpd.GeoDataFrame | pd.DataFrame,
    *,
    match_km: float = DEFAULT_MATCH_KM,
    precision_km: str | ArrayLike | None = None,
) -> pd.Series:
    """Whether at least one event lies within ``match_km`` (+ its uncertainty) of each place.

    Parameters
    ----------
    places
        See :func:`match_events`.
    events
        See :func:`match_events`.
    match_km
        See :func:`match_events`.
    precision_km
        See :func:`match_events`.

    Returns
    -------
    pandas.Series
        Nullable boolean, indexed like ``places``, named ``positive``: True/False, and NA for a
        place without a point (it cannot be labelled). ``attrs``: ``events_matched`` (events near
        at least one place), ``events_unlocated``, ``n_events``.
    """
    pairs = match_events(places, events, match_km=match_km, precision_km=precision_km)
    lon, lat = _points(places)
    hit = np.zeros(len(places), dtype=bool)
    hit[pairs["place"].to_numpy()] = True
    out = pd.Series(pd.array(hit, dtype="boolean"), index=places.index, name="positive")
    out[~(np.isfinite(lon) & np.isfinite(lat))] = pd.NA
    out.attrs = {
        "events_matched": int(pairs["event"].nunique()),
        "events_unlocated": pairs.attrs["events_unlocated"],
        "n_events": len(events),
    }
    return out


# --- metrics ---------------------------------------------------------------------------------


class _Plan:
    """What a ranking's metrics need, computed once.

    Positives, negatives sorted by score, and where each positive falls among them. Every metric
    of a draw (place multiplicities ``w``, one row per draw) is then a gather, a cumulative sum
    over the negatives and sums over the positives.

    For a positive ``i`` with score ``s_i``: ``lo_i``/``hi_i`` count the negatives scoring below /
    at most ``s_i`` (so ``C[hi_i] - C[lo_i]`` is the weight of negatives tied with it), and
    ``plo_i`` the positives scoring below it.

    Parameters
    ----------
    labels
        Booleans, one per labelled place.
    scores
        The ranking's scores, aligned with ``labels``.
    mask
        The places the ranking scores (finite scores, or those both rankings of a pair score).
    top
        How many of the highest-scored places the top-k metrics may need.
    """

    def __init__(self, labels: NDArray, scores: NDArray, mask: NDArray, top: int) -> None:
        idx = np.flatnonzero(mask)
        y, s = labels[idx], scores[idx]
        neg_order = np.argsort(s[~y], kind="stable")
        self.neg = idx[~y][neg_order]
        neg_sorted = s[~y][neg_order]
        self.pos = idx[y]
        pos_s = s[y]
        pos_order = np.argsort(pos_s, kind="stable")
        self.pos_asc = self.pos[pos_order]
        pos_sorted = pos_s[pos_order]
        self.lo = np.searchsorted(neg_sorted, pos_s, "left")
        self.hi = np.searchsorted(neg_sorted, pos_s, "right")
        self.plo = np.searchsorted(pos_sorted, pos_s, "left")
        # the highest scores (whole tie groups) for precision/recall in the top k
        desc = idx[np.argsort(-s, kind="stable")]
        ds = scores[desc]
        cut = min(len(desc), top)
        while 0 < cut < len(desc) and ds[cut] == ds[cut - 1]:
            cut += 1
        self.all_desc, self.all_desc_scores = desc, ds
        self.top = desc[:cut]
        self.top_is_pos = labels[self.top]
        self.all_is_pos = labels[desc]
        self.top_starts = np.flatnonzero(np.r_[True, ds[1:cut] != ds[: cut - 1]]) if cut else None
        self.n = len(idx)

    def metrics(self, w: NDArray, ks: Sequence[int]) -> dict[str, NDArray]:
        rows = w.shape[0]
        cneg = np.zeros((rows, len(self.neg) + 1), dtype="int64")
        np.cumsum(w[:, self.neg], axis=1, out=cneg[:, 1:])
        cpos = np.zeros((rows, len(self.pos) + 1), dtype="int64")
        np.cumsum(w[:, self.pos_asc], axis=1, out=cpos[:, 1:])
        wp = w[:, self.pos].astype("float64")
        n_neg, n_pos = cneg[:, -1].astype("float64"), cpos[:, -1].astype("float64")
        below = cneg[:, self.lo]
        tied = cneg[:, self.hi] - below
        with np.errstate(invalid="ignore", divide="ignore"):
            auc = (wp * (below + 0.5 * tied)).sum(axis=1) / (n_pos * n_neg)
            auc = np.where((n_pos > 0) & (n_neg > 0), auc, np.nan)
            # precision at the threshold s_i: weight scoring >= s_i
            tp_ge = n_pos[:, None] - cpos[:, self.plo]
            fp_ge = n_neg[:, None] - below
            seen = tp_ge + fp_ge
            precision = np.where(seen > 0, tp_ge / np.where(seen > 0, seen, 1), 0.0)
            ap = np.where(n_pos > 0, (wp * precision).sum(axis=1) / n_pos, np.nan)
        out = {"auc": auc, "ap": ap}
        for k in ks:
            tp, kk = self._tp_at_k(w, k)
            with np.errstate(invalid="ignore", divide="ignore"):
                out[f"precision_at_{k}"] = np.where(kk > 0, tp / kk, np.nan)
                out[f"recall_at_{k}"] = np.where(n_pos > 0, tp / n_pos, np.nan)
        return out

    def _tp_at_k(self, w: NDArray, k: int) -> tuple[NDArray, NDArray]:
        rows = w.shape[0]
        if self.top_starts is None:
            return np.zeros(rows), np.zeros(rows)
        tp, kk, short = _tp_at_k_groups(w[:, self.top], self.top_is_pos, self.top_starts, k)
        if short.any() and len(self.top) < self.n:  # the top slice held fewer than k draws
            ds = self.all_desc_scores
            starts = np.flatnonzero(np.r_[True, ds[1:] != ds[:-1]])
            full = _tp_at_k_groups(w[short][:, self.all_desc], self.all_is_pos, starts, k)
            tp[short], kk[short] = full[0], full[1]
        return tp, kk


def _tp_at_k_groups(w: NDArray, y: NDArray, starts: NDArray, k: int):
    """Expected positives in the top k of weighted places in descending order.

    ``starts`` are the tie groups (the tied group at the cut shared pro rata). Also returns the
    k used, and the rows with fewer than k places in all.
    """
    pos = np.add.reduceat(w * y, starts, axis=1).astype("float64")
    size = np.add.reduceat(w, starts, axis=1).astype("float64")
    cum = np.cumsum(size, axis=1)
    total = cum[:, -1]
    kk = np.minimum(float(k), total)
    g = np.minimum((cum < kk[:, None]).sum(axis=1), size.shape[1] - 1)
    r = np.arange(size.shape[0])
    before = cum[r, g] - size[r, g]
    tp_before = np.cumsum(pos, axis=1)[r, g] - pos[r, g]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(size[r, g] > 0, pos[r, g] / size[r, g], 0.0)
    return tp_before + (kk - before) * share, kk, total < k


def _clean(labels: ArrayLike, scores: ArrayLike) -> tuple[NDArray, NDArray]:
    y = pd.array(np.asarray(labels, dtype=object), dtype="boolean")
    s = np.asarray(scores, dtype="float64")
    if len(y) != len(s):
        raise ParameterError(f"labels and scores differ in length ({len(y)} and {len(s)})")
    ok = ~np.asarray(y.isna()) & np.isfinite(s)
    return np.asarray(y[ok], dtype=bool), s[ok]


def _one(labels: ArrayLike, scores: ArrayLike, ks: Sequence[int] = ()) -> dict[str, float]:
    y, s = _clean(labels, scores)
    plan = _Plan(y, s, np.ones(len(y), dtype=bool), max(ks, default=0))
    return {m: float(v[0]) for m, v in plan.metrics(np.ones((1, len(y)), "int64"), ks).items()}


def roc_auc(labels: ArrayLike, scores: ArrayLike) -> float:
    """Area under the ROC curve, ties counting one half (NaN without both classes).

    Places with an NA label or a NaN score are left out.

    Parameters
    ----------
    labels
        Nullable booleans, one per place (NA: left out).
    scores
        Scores aligned with ``labels``, higher = ranked first (NaN: left out).

    Returns
    -------
    float
        The AUC in [0, 1].
    """
    return _one(labels, scores)["auc"]


def average_precision(labels: ArrayLike, scores: ArrayLike) -> float:
    """Average precision over the distinct score thresholds (NaN without a positive).

    Parameters
    ----------
    labels
        Nullable booleans, one per place (NA: left out).
    scores
        Scores aligned with ``labels``, higher = ranked first (NaN: left out).

    Returns
    -------
    float
        The average precision in [0, 1].
    """
    return _one(labels, scores)["ap"]


def precision_at_k(labels: ArrayLike, scores: ArrayLike, k: int) -> float:
    """Share of positives among the ``k`` highest scores (ties at the cut shared pro rata).

    Parameters
    ----------
    labels
        Nullable booleans, one per place (NA: left out).
    scores
        Scores aligned with ``labels``, higher = ranked first (NaN: left out).
    k
        The cut-off (>= 1).

    Returns
    -------
    float
        The precision at ``k`` in [0, 1].
    """
    _check_k(k)
    return _one(labels, scores, (k,))[f"precision_at_{k}"]


def recall_at_k(labels: ArrayLike, scores: ArrayLike, k: int) -> float:
    """Share of the positives found among the ``k`` highest scores (NaN without a positive).

    Parameters
    ----------
    labels
        Nullable booleans, one per place (NA: left out).
    scores
        Scores aligned with ``labels``, higher = ranked first (NaN: left out).
    k
        The cut-off (>= 1).

    Returns
    -------
    float
        The recall at ``k`` in [0, 1].
    """
    _check_k(k)
    return _one(labels, scores, (k,))[f"recall_at_{k}"]


def _check_k(k: int) -> None:
    if int(k) != k or k < 1:
        raise ParameterError(f"k must be a whole number >= 1, got {k!r}")


# --- bootstrap -------------------------------------------------------------------------------


def _draws(n: int, n_boot: int, seed: int):
    """Multiplicities of the places in each bootstrap draw, ``_CHUNK`` draws at a time."""
    rng = np.random.default_rng(seed)
    done = 0
    while done < n_boot:
        m = min(_CHUNK, n_boot - done)
        idx = rng.integers(0, n, size=(m, n))
        flat = (idx + (np.arange(m) * n)[:, None]).ravel()
        yield np.bincount(flat, minlength=m * n).reshape(m, n).astype("int32")
        done += m


def bootstrap_metrics(
    labels: ArrayLike,
    scores: Mapping[str, ArrayLike],
    *,
    ks: Sequence[int] = DEFAULT_KS,
    n_boot: int = DEFAULT_N_BOOT,
    seed: int = 0,
    pairs: Sequence[tuple[str, str]] = (),
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, NDArray]], dict[tuple, NDArray]]:
    """Point estimates and bootstrap draws of every metric of every ranking, on the same draws.

    Parameters
    ----------
    labels
        Nullable booleans, one per place (NA: excluded everywhere).
    scores
        Ranking name -> scores aligned with ``labels`` (NaN: excluded from that ranking).
    ks
        Top-k cut-offs.
    n_boot
        Number of draws (0: none).
    seed
        Seed of the draws.
    pairs
        ``(a, b)`` pairs whose paired AUC difference ``a - b`` is drawn, on the places both score.

    Returns
    -------
    point : dict
        ``{name: {metric: value}}``.
    draws : dict
        ``{name: {metric: array of n_boot}}``.
    diff_draws : dict
        ``{(a, b): array of n_boot}`` of AUC differences, and their point estimates under
        ``(a, b, "point")`` (an array of one).
    """
    for k in ks:
        _check_k(k)
    y = pd.array(np.asarray(labels, dtype=object), dtype="boolean")
    labelled = ~np.asarray(y.isna())
    yl = np.asarray(y[labelled], dtype=bool)
    n = int(labelled.sum())
    top = max(ks, default=0) * 4 + 200  # draws rarely need more than this many places for k
    values = {name: np.asarray(v, dtype="float64")[labelled] for name, v in scores.items()}
    plans = {name: _Plan(yl, s, np.isfinite(s), top) for name, s in values.items()}
    pair_plans: dict[tuple[str, str], tuple[_Plan | str, _Plan | str]] = {}
    for a, b in pairs:
        both = np.isfinite(values[a]) & np.isfinite(values[b])
        if both.all():  # both rank every place: their own draws are already paired
            pair_plans[(a, b)] = (a, b)
        else:
            pair_plans[(a, b)] = (_Plan(yl, values[a], both, 0), _Plan(yl, values[b], both, 0))

    def evaluate(w: NDArray):
        res = {name: plan.metrics(w, ks) for name, plan in plans.items()}

        def auc(plan: _Plan | str) -> NDArray:
            return res[plan]["auc"] if isinstance(plan, str) else plan.metrics(w, ())["auc"]

        diffs = {key: auc(pa) - auc(pb) for key, (pa, pb) in pair_plans.items()}
        return res, diffs

    point_res, point_diffs = evaluate(np.ones((1, n), dtype="int32"))
    point = {name: {m: float(v[0]) for m, v in r.items()} for name, r in point_res.items()}
    chunks: dict[str, list] = {name: [] for name in plans}
    diff_chunks: dict[tuple, list] = {key: [] for key in pair_plans}
    if n > 0 and n_boot > 0:
        chunks_total = -(-n_boot // _CHUNK)
        for w in progress(_draws(n, n_boot, seed), total=chunks_total, desc="bootstrap (x100)"):
            res, diffs = evaluate(w)
            for name, r in res.items():
                chunks[name].append(r)
            for key, d in diffs.items():
                diff_chunks[key].append(d)
    draws = {
        name: {m: np.concatenate([c[m] for c in cs]) if cs else np.array([]) for m in point[name]}
        for name, cs in chunks.items()
    }
    diff_draws: dict[tuple, NDArray] = {
        key: (np.concatenate(v) if v else np.array([])) for key, v in diff_chunks.items()
    }
    for key, d in point_diffs.items():
        diff_draws[(*key, "point")] = d
    return point, draws, diff_draws


def _interval(values: NDArray) -> tuple[float, float]:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return float("nan"), float("nan")
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def compare_rankings(
    labels: pd.Series,
    scores: Mapping[str, pd.Series],
    *,
    ks: Sequence[int] = DEFAULT_KS,
    n_boot: int = DEFAULT_N_BOOT,
    seed: int = 0,
    reference: str | None = None,
) -> pd.DataFrame:
    """One row per ranking: AUC, AP, precision and recall in the top k, with 95 % intervals.

    Parameters
    ----------
    labels
        Nullable boolean Series, one per place (``positive_places``); NA places are left out.
    scores
        Ranking name -> Series of scores (higher = more exposed), aligned on ``labels``' index.
        A missing score leaves the place out of that ranking only.
    ks
        Cut-offs of precision and recall in the top k.
    n_boot
        Bootstrap draws (resampling places with replacement); 0 for point estimates only.
    seed
        Seed of the draws: same seed, same intervals.
    reference
        The ranking the others are compared with (default: the first of ``scores``). Every other row
        gets ``diff_auc`` = AUC(reference) - AUC(row) on the places both score, with its interval
        from the same draws (paired).

    Returns
    -------
    pandas.DataFrame
        Columns ``name, auc, auc_low, auc_high, ap, ap_low, ap_high``, then
        ``precision_at_<k>, precision_at_<k>_low, precision_at_<k>_high`` and the same for recall
        for each k, then ``n_places`` (labelled places), ``n_scored``, ``n_positive`` (positives
        among the scored), ``diff_auc, diff_auc_low, diff_auc_high`` (NaN on the reference row).

    Raises
    ------
    ParameterError
        No ranking, an unknown ``reference``, or a negative ``n_boot``.
    """
    if not scores:
        raise ParameterError("give at least one ranking to compare")
    reference = reference if reference is not None else next(iter(scores))
    if reference not in scores:
        raise ParameterError(f"reference {reference!r} is not one of {list(scores)}")
    if n_boot < 0:
        raise ParameterError(f"n_boot must be >= 0, got {n_boot!r}")
    labels = labels.astype("boolean")
    aligned = {
        name: pd.Series(s, dtype="float64").reindex(labels.index) for name, s in scores.items()
    }
    others = [name for name in scores if name != reference]
    point, draws, diff_draws = bootstrap_metrics(
        labels.to_numpy(dtype=object, na_value=None),
        {name: s.to_numpy() for name, s in aligned.items()},
        ks=ks,
        n_boot=n_boot,
        seed=seed,
        pairs=[(reference, name) for name in others],
    )
    labelled = labels.notna()
    rows = []
    for name, s in aligned.items():
        scored = labelled & s.notna() & np.isfinite(s.fillna(np.nan))
        row: dict[str, object] = {"name": name}
        for m, value in point[name].items():
            low, high = _interval(draws[name][m])
            row[m], row[f"{m}_low"], row[f"{m}_high"] = value, low, high
        row["n_places"] = int(labelled.sum())
        row["n_scored"] = int(scored.sum())
        row["n_positive"] = int(labels[scored].sum())
        if name == reference:
            row["diff_auc"] = row["diff_auc_low"] = row["diff_auc_high"] = float("nan")
        else:
            key = (reference, name)
            row["diff_auc"] = float(diff_draws[(*key, "point")][0])
            row["diff_auc_low"], row["diff_auc_high"] = _interval(diff_draws[key])
        rows.append(row)
    out = pd.DataFrame(rows)
    unscored = out.loc[out["n_scored"] < out["n_places"], ["name", "n_scored", "n_places"]]
    for r in unscored.itertuples(index=False):
        logger.info(
            "ranking %s: %d of %d labelled places have no score (left out of its metrics)",
            r.name,
            r.n_places - r.n_scored,
            r.n_places,
        )
    out.attrs["reference"] = reference
    out.attrs["n_boot"] = n_boot
    out.attrs["seed"] = seed
    return out
