"""The ``minusma`` command line (one module per subcommand, as in rasterio's ``rio``)."""
