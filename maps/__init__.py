"""Maps and the ``minusma`` command line: the composition root that imports ``geo`` and
``layers``."""
