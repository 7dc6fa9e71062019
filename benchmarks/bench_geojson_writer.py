"""Benchmark: ``geo.io.write_geojson`` against GDAL's GeoJSON driver through pyogrio.

Issue 13 asked whether pyogrio/GDAL (``RFC7946=YES``, ``COORDINATE_PRECISION``, ``ID_FIELD``,
``FOREIGN_MEMBERS_COLLECTION`` for the ``metadata`` member) could replace the hand-written writer:
switch only if the output stays byte-identical and keeps the metadata member. This script writes
every shipped and analysis layer both ways and prints, side by side: time, bytes, whether the
files are byte-identical, whether they parse to the same document, and the first difference.

Run:  PYTHONPATH=. python benchmarks/bench_geojson_writer.py [--repeat 3]

Not a test: prints figures.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import warnings
from pathlib import Path

import pyogrio

from minusma.geo.fields import typed_frame
from minusma.geo.io import write_geojson
from minusma.layers.columns import layer_fields
from minusma.layers.export import load_all


def _gdal(gdf, path, *, id_column, metadata, fields):
    """GDAL's writer given the same typed, rounded values (dates as text) and a copy of the id
    column as ``ID_FIELD`` (GDAL moves that field out of the properties)."""
    frame = typed_frame(gdf.sort_values(id_column, kind="stable").reset_index(drop=True), fields)
    for col in frame.columns:
        if str(frame[col].dtype).startswith("datetime64"):
            frame[col] = frame[col].dt.strftime("%Y-%m-%d").astype(object).where(frame[col].notna())
    frame["feature_id"] = frame[id_column]
    id_column = "feature_id"
    pyogrio.write_dataframe(
        frame,
        path,
        driver="GeoJSON",
        layer_options={
            "RFC7946": "YES",
            "COORDINATE_PRECISION": "6",
            "ID_FIELD": id_column,
            "WRITE_NAME": "NO",
            "FOREIGN_MEMBERS_COLLECTION": json.dumps({"metadata": metadata}, ensure_ascii=False),
        },
    )


def _first_difference(a: dict, b: dict) -> str:
    for i, (fa, fb) in enumerate(zip(a["features"], b["features"])):
        if fa != fb:
            for key in ("id", "geometry", "properties"):
                if fa.get(key) != fb.get(key):
                    if key == "properties":
                        diff = [k for k in fa[key] if fa[key].get(k) != fb[key].get(k)]
                        k = diff[0]
                        return f"feature {i} {k}: {fa[key].get(k)!r} vs {fb[key].get(k)!r}"
                    return f"feature {i} {key}: {str(fa.get(key))[:80]} vs {str(fb.get(key))[:80]}"
    if set(a) != set(b):
        return f"members {sorted(a)} vs {sorted(b)}"
    return "none in features"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from minusma.layers.assessment import analysis_layers, context

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layers = load_all()
        layers.update(analysis_layers(context()))
    print(f"GDAL {pyogrio.__gdal_version_string__}, pyogrio {pyogrio.__version__}")
    print(f"{'layer':22} {'ours s':>8} {'gdal s':>8} {'ours B':>9} {'gdal B':>9}", end="")
    print("  same bytes  same doc  first difference")
    totals = [0.0, 0.0]
    with tempfile.TemporaryDirectory() as tmp:
        for name, (gdf, info) in layers.items():
            meta = {k: v for k, v in info.as_dict().items() if k != "columns"}
            fields = layer_fields(gdf, info)
            ours, gdal = Path(tmp) / f"{name}.ours.geojson", Path(tmp) / f"{name}.gdal.geojson"
            times = []
            for which in ("ours", "gdal"):
                best = float("inf")
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    if which == "ours":
                        write_geojson(
                            gdf, ours, id_column=info.id_column, metadata=meta, fields=fields
                        )
                    else:
                        gdal.unlink(missing_ok=True)
                        _gdal(gdf, gdal, id_column=info.id_column, metadata=meta, fields=fields)
                    best = min(best, time.perf_counter() - t0)
                times.append(best)
            totals[0] += times[0]
            totals[1] += times[1]
            a, b = ours.read_bytes(), gdal.read_bytes()
            da, db = json.loads(a), json.loads(b)
            print(
                f"{name:22} {times[0]:8.3f} {times[1]:8.3f} {len(a):9d} {len(b):9d}  "
                f"{a == b!s:10}  {da == db!s:8}  {_first_difference(da, db)}"
            )
    print(f"{'total':22} {totals[0]:8.3f} {totals[1]:8.3f}")


if __name__ == "__main__":
    main()
