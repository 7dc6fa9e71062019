"""``python -m minusma ...`` is the ``minusma`` command (for environments without the script)."""

from minusma.cli.main import cli

if __name__ == "__main__":
    cli(prog_name="minusma")
