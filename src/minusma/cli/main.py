"""The ``minusma`` click group. Subcommands live one per module and are imported lazily."""

from __future__ import annotations

import importlib
import logging
import sys
import warnings

import click

from minusma.geo._errors import MinusmaError, shorten_words

#: Subcommand name -> "module:attribute". Heavy imports happen only when a command runs.
COMMANDS: dict[str, str] = {
    "fetch": "minusma.cli.fetch:fetch",
    "data": "minusma.cli.data:data",
    "assets": "minusma.cli.assets:assets",
    "layers": "minusma.cli.layers:layers",
    "export": "minusma.cli.export:export",
    "towns": "minusma.cli.towns:towns",
    "query": "minusma.cli.query:query",
    "map": "minusma.cli.map:map",
    "population": "minusma.cli.population:population",
    "validate": "minusma.cli.validate:validate",
    "calibrate": "minusma.cli.calibrate:calibrate",
    "summary": "minusma.cli.summary:summary",
    "diff": "minusma.cli.diff:diff",
    "chart": "minusma.cli.chart:chart",
    "report": "minusma.cli.report:report",
    "scenarios": "minusma.cli.scenarios:scenarios",
    "plan": "minusma.cli.plan:plan",
    "sites": "minusma.cli.sites:sites",
    "effect": "minusma.cli.effect:effect",
    "forecast": "minusma.cli.forecast:forecast",
    "backtest": "minusma.cli.backtest:backtest",
}


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module only when it is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        """The subcommand named by ``args[0]``; an unknown name lists every valid one."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS:
            import difflib

            close = difflib.get_close_matches(name, list(COMMANDS), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise click.UsageError(
                f"No such command {name!r}.{hint} Valid commands: {', '.join(sorted(COMMANDS))}",
                ctx,
            )
        return super().resolve_command(ctx, args)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        return getattr(importlib.import_module(module_name), attr)

    def invoke(self, ctx: click.Context):
        """Run the subcommand: package errors become one-line exits, data gaps one line each."""
        from minusma.cli.options import echo_data_gaps
        from minusma.geo.speeds import UnknownSpeedWarning

        caught: list[warnings.WarningMessage] = []
        try:
            with warnings.catch_warnings(record=True) as recorded:
                caught = recorded
                warnings.simplefilter("always", UnknownSpeedWarning)  # others keep Python's filters
                return super().invoke(ctx)
        except MinusmaError as exc:
            raise click.ClickException(shorten_words(str(exc))) from exc
        except click.ClickException as exc:  # a usage error quoting a 10,000-character value
            exc.message = shorten_words(exc.message)
            raise
        finally:  # after the recorder is gone, so re-shown warnings reach stderr
            echo_data_gaps(caught)


@click.group(cls=LazyGroup)
@click.option("-v", "--verbose", count=True, help="More log output (repeatable).")
@click.option("-q", "--quiet", count=True, help="Less log output (repeatable).")
@click.version_option(package_name="minusma-exposure")
def cli(verbose: int, quiet: int) -> None:
    """Which Malian towns were left exposed when MINUSMA withdrew (2023-2024).

    Data goes to stdout, messages to stderr.
    """
    level = max(logging.WARNING - 10 * verbose + 10 * quiet, logging.DEBUG)
    fmt = "%(levelname)s %(name)s: %(message)s"
    logging.basicConfig(stream=sys.stderr, level=level, format=fmt)
    # basicConfig leaves an already configured root alone (an embedding program, a test runner):
    # set the level for this invocation anyway (progress bars read it) and restore it afterwards
    root = logging.getLogger()
    previous = root.level
    root.setLevel(level)
    click.get_current_context().call_on_close(lambda: root.setLevel(previous))


if __name__ == "__main__":  # python -m minusma.cli.main, as `minusma`
    cli()
