"""Open an exported GeoPackage in QGIS itself (PyQGIS, headless) and report what QGIS sees.

Run by ``tests/test_qgis.py`` under the system interpreter that has Debian's ``python3-qgis``::

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis_check.py minusma.gpkg out.png

Prints one JSON document: the tables in GeoPackage order; per layer its validity, feature count,
CRS, whether ``loadDefaultStyle()`` found a style, its renderer type, legend entries, labels
(on, field or expression, rules and their scales) and field types; and, for the map rendered
with every layer added in table order (each on top of the ones before, as QGIS adds them), the
colour of the pixel at the centre of one isolated place of each exposure class and at the centre
of every severe place.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (
    QgsApplication,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsPointXY,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

SIZE_PX = 1600
ISOLATION_PX = 14


def main(gpkg: str, png: str) -> dict:
    with sqlite3.connect(gpkg) as db:
        names = [
            r[0]
            for r in db.execute(
                "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY rowid"
            )
        ]
    report: dict = {"qgis": None, "order": names, "layers": {}, "samples": {}, "severe": {}}
    app = QgsApplication([], False)
    app.initQgis()
    try:
        from qgis.core import Qgis

        report["qgis"] = Qgis.QGIS_VERSION
        layers = {}
        for name in names:
            layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
            msg, ok = layer.loadDefaultStyle() if layer.isValid() else ("invalid", False)
            renderer = layer.renderer()
            report["layers"][name] = {
                "valid": layer.isValid(),
                "features": layer.featureCount(),
                "crs": layer.crs().authid(),
                "style_found": bool(ok),
                "style_message": msg,
                "renderer": renderer.type() if renderer else None,
                "legend": [i.label() for i in renderer.legendSymbolItems()] if renderer else [],
                "labels": _labels(layer),
                "fields": {f.name(): f.typeName() for f in layer.fields()},
            }
            layers[name] = layer
        settings = QgsMapSettings()
        settings.setLayers([layers[n] for n in reversed(names)])  # first = drawn on top
        settings.setOutputSize(QSize(SIZE_PX, SIZE_PX))
        settings.setBackgroundColor(QColor(255, 255, 255))
        settings.setDestinationCrs(layers[names[0]].crs())
        settings.setExtent(QgsRectangle(-12.5, 10.0, 4.5, 25.5))
        job = QgsMapRendererParallelJob(settings)
        job.start()
        job.waitForFinished()
        image = job.renderedImage()
        image.save(png, "png")
        if "exposure" in layers:
            report["samples"] = _samples(layers["exposure"], settings, image)
            report["severe"] = _severe(layers["exposure"], settings, image)
        print(json.dumps(report, indent=1), flush=True)
        del job, image, settings, layer, renderer
        layers.clear()
    finally:
        app.exitQgis()
    return report


def _labels(layer) -> dict:
    """Whether ``layer`` draws labels, and of what (per rule: filter, text, max scale)."""
    labeling = layer.labeling()
    out = {"enabled": bool(layer.labelsEnabled()), "type": labeling.type() if labeling else None}
    if labeling is not None and labeling.type() == "rule-based":
        out["rules"] = [
            {
                "filter": r.filterExpression(),
                "text": r.settings().fieldName if r.settings() else None,
                "max_scale": r.maximumScale(),
                "min_scale": r.minimumScale(),
                "priority": r.settings().dataDefinedProperties().isActive(87)
                if r.settings()
                else False,
            }
            for r in labeling.rootRule().children()
        ]
    return out


def _severe(layer, settings, image) -> dict:
    """The rendered colour at the centre of every severe place."""
    to_px = settings.mapToPixel()
    out = {}
    for feature in layer.getFeatures():
        geom = feature.geometry()
        if feature["exposure_class"] != "severe" or geom.isNull() or geom.isEmpty():
            continue
        p = to_px.transform(QgsPointXY(geom.asPoint()))
        colour = QColor(image.pixel(round(p.x()), round(p.y())))
        out[feature["town_id"]] = [colour.red(), colour.green(), colour.blue()]
    return out


def _samples(layer, settings, image) -> dict:
    """The rendered colour at the centre of one isolated place of each exposure class."""
    to_px = settings.mapToPixel()
    points = []
    for feature in layer.getFeatures():
        geom = feature.geometry()
        if geom.isNull() or geom.isEmpty():
            continue
        p = to_px.transform(QgsPointXY(geom.asPoint()))
        points.append((feature["exposure_class"], feature["town_id"], p.x(), p.y()))
    samples: dict = {}
    for cls, town, x, y in points:
        if cls in samples:
            continue
        near = [
            q
            for q in points
            if q[1] != town and abs(q[2] - x) < ISOLATION_PX and abs(q[3] - y) < ISOLATION_PX
        ]
        if near:
            continue
        colour = QColor(image.pixel(round(x), round(y)))
        samples[cls] = {"town_id": town, "rgb": [colour.red(), colour.green(), colour.blue()]}
    return samples


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
