"""Maps of the withdrawal: the interactive folium map and the static PNG.

They draw the layers (:mod:`minusma.layers`) and the exposure model's results
(:mod:`minusma.geo`); the application layer and the command line live in :mod:`minusma`.
"""
