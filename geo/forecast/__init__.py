"""Forecasts of events per unit and month from an event history.

:mod:`~minusma.geo.forecast.features` (what was known at each origin),
:mod:`~minusma.geo.forecast.models` (baselines and learned Poisson models behind one interface),
:mod:`~minusma.geo.forecast.backtest` (rolling-origin evaluation),
:mod:`~minusma.geo.forecast.metrics` (scores over bootstrap resamples) and
:mod:`~minusma.geo.forecast.explain` (why a forecast is high).
"""
