"""Open an exported GeoPackage in QGIS itself (PyQGIS, headless) and report what QGIS sees.

Run by ``tests/test_qgis.py`` under the system interpreter that has Debian's ``python3-qgis``::

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis_check.py minusma.gpkg out.png

Prints one JSON document: per layer its validity, feature count, CRS, whether
``loadDefaultStyle()`` found a style, its renderer type and field types; and, for the rendered
map (every styled layer but the timeline, the exposure layer on top), the colour of the pixel
at the centre of one isolated place of each exposure class.
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
                "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' "
                "ORDER BY table_name"
            )
        ]
    report: dict = {"qgis": None, "layers": {}, "samples": {}}
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
                "fields": {f.name(): f.typeName() for f in layer.fields()},
            }
            layers[name] = layer
        order = [n for n in ("exposure", "bases") if n in layers]
        order += [n for n in layers if n not in order and n != "exposure_timeline"]
        settings = QgsMapSettings()
        settings.setLayers([layers[n] for n in order])  # first = drawn on top
        settings.setOutputSize(QSize(SIZE_PX, SIZE_PX))
        settings.setBackgroundColor(QColor(255, 255, 255))
        settings.setDestinationCrs(layers[order[0]].crs())
        settings.setExtent(QgsRectangle(-12.5, 10.0, 4.5, 25.5))
        job = QgsMapRendererParallelJob(settings)
        job.start()
        job.waitForFinished()
        image = job.renderedImage()
        image.save(png, "png")
        if "exposure" in layers:
            report["samples"] = _samples(layers["exposure"], settings, image)
        print(json.dumps(report, indent=1), flush=True)
        del job, image, settings, layer, renderer
        layers.clear()
    finally:
        app.exitQgis()
    return report


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
