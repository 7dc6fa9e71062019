"""The exposure model: who lost the security umbrella and who is cut off by road or air.

It also tells how that changed as each site closed. Generic and data-agnostic (places, sites with
closure dates, a road graph, airstrips and air links in, frames out); the Mali inputs come from
:mod:`layers`. Modules, in the order the model runs:
``coverage`` (security umbrella), ``access`` (road access), ``lifelines`` (air and river), ``score``
(normalisation and aggregation), ``reasons`` (plain-language reasons), ``assess`` (prepare once,
evaluate per date/scenario), ``scenario``, ``timeline``, ``robustness``, ``criticality``.
"""
