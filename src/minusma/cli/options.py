"""Click options shared by several subcommands (as in rasterio's ``rio/options.py``)."""

from __future__ import annotations

import functools
import math
import os
import urllib.parse
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from minusma.geo.io import path_state

__all__ = [
    "ACCEPT_EDITED_MODEL",
    "BOOT",
    "BOOT_MAX",
    "DATA_ENVVAR",
    "HEADERS_OPTION",
    "ISO_DATE",
    "JOBS",
    "JOBS_MAX",
    "KM",
    "MATCH_KM",
    "MATCH_KM_MAX",
    "RETRIES",
    "RETRIES_MAX",
    "SEASON",
    "SECONDS",
    "SEED",
    "SEED_MAX",
    "URL",
    "BoundedInt",
    "KmRange",
    "OutFile",
    "ReadableDir",
    "WritableDir",
    "data_dir_option",
    "echo_data_gaps",
    "exposure_options",
    "exposure_options_except",
    "exposure_params",
    "format_option",
    "lang_option",
    "note",
    "places_option",
]

F = TypeVar("F", bound=Callable)

#: Environment variable read by ``--data`` (the same as :data:`layers.datadir.ENV_VAR`; not imported
#: from there so that building the command line stays cheap).
DATA_ENVVAR = "MINUSMA_DATA"


class IsoDate(click.ParamType):
    """An ISO date within the mission's years, checked by :func:`geo.exposure.params.parse_iso_date`
    (the one date validator of the package); the value stays a string for the library."""

    name = "DATE"

    def convert(self, value, param, ctx):
        from minusma.geo._errors import ParameterError
        from minusma.geo.exposure.params import parse_iso_date
        from minusma.layers.mission import MISSION

        try:
            name = param.name if param else "date"
            return parse_iso_date(value, name=name, period=MISSION).isoformat()
        except ParameterError as exc:
            self.fail(str(exc), param, ctx)


class Km(click.ParamType):
    """A finite distance in km, checked by :func:`geo.exposure.params.check_km` (the one radius
    validator of the package: ``nan``, ``inf``, ``0`` and absurd values fail with its message)."""

    name = "KM"

    def convert(self, value, param, ctx):
        from minusma.geo._errors import ParameterError
        from minusma.geo.exposure.params import check_km

        try:
            return check_km(value, name=param.name if param else "km")
        except ParameterError as exc:
            self.fail(str(exc), param, ctx)


class Seconds(click.ParamType):
    """A finite duration in seconds, ``0 < value <= 86400``: ``nan``, ``inf`` and absurd values
    fail (a socket timeout of ``inf`` overflows)."""

    name = "SECONDS"

    #: Longest timeout accepted (a day).
    MAXIMUM = 86400.0

    def convert(self, value, param, ctx):
        if isinstance(value, float) and math.isfinite(value) and 0 < value <= self.MAXIMUM:
            return value
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"must be a number of seconds, got {value!r}", param, ctx)
        if not (math.isfinite(seconds) and 0 < seconds <= self.MAXIMUM):
            self.fail(
                f"must be a finite number of seconds in (0, {self.MAXIMUM:g}], got {value!r}",
                param,
                ctx,
            )
        return seconds


class Url(click.ParamType):
    """An absolute ``http(s)://host/...`` URL."""

    name = "URL"

    def convert(self, value, param, ctx):
        parts = urllib.parse.urlsplit(str(value).strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            self.fail(f"must be an http(s):// URL, got {value!r}", param, ctx)
        return str(value).strip()


def _shown(value: object) -> str:
    """A user's value quoted in a message, shortened when long (see geo._errors.shorten)."""
    from minusma.geo._errors import shorten

    return repr(shorten(value))


class WritableDir(click.ParamType):
    """A folder the command may write into, checked without creating anything (a bad value of
    another option must leave no folder behind): an existing writable folder, or a new one whose
    nearest existing parent is a writable folder. The command creates it when it writes, through
    :func:`geo.io.created_folder`, which removes it again if the run fails."""

    name = "DIR"

    def convert(self, value, param, ctx):
        if not str(value).strip():
            self.fail("must be a folder name, got ''", param, ctx)
        path = Path(value).expanduser()
        if any(len(part.encode()) > _name_max(Path("/")) for part in path.parts):
            self.fail(f"a folder name is longer than the system allows: {_shown(path)}", param, ctx)
        state = path_state(path)
        if state == "file":
            self.fail(f"{_shown(path)} is a file, not a folder", param, ctx)
        parent = path.absolute()
        while path_state(parent) == "missing" and parent != parent.parent:
            parent = parent.parent
        kind = path_state(parent)
        if kind == "file":
            self.fail(
                f"cannot create folder {_shown(path)}: {_shown(parent)} is a file", param, ctx
            )
        if kind == "denied" or not os.access(parent, os.W_OK | os.X_OK):
            where = (
                "is not writable" if parent == path.absolute() else f"cannot be created in {parent}"
            )
            self.fail(f"folder {_shown(path)} {where}: choose another folder", param, ctx)
        return path


class ReadableDir(click.ParamType):
    """An existing folder the command reads from (e.g. ``--data``)."""

    name = "DIR"

    def convert(self, value, param, ctx):
        if not str(value).strip():
            self.fail("must be a folder name, got ''", param, ctx)
        path = Path(value).expanduser()
        state = path_state(path)
        if state == "denied":
            self.fail(f"folder {_shown(path)} cannot be reached: permission denied", param, ctx)
        if state != "dir":
            what = "is not a folder" if state == "file" else "does not exist"
            self.fail(
                f"{_shown(path)} {what}: pass an existing folder, or run "
                "`minusma fetch --dest DIR` to download the open datasets",
                param,
                ctx,
            )
        if not os.access(path, os.R_OK | os.X_OK):
            self.fail(f"folder {_shown(path)} is not readable", param, ctx)
        return path


class OutFile(click.ParamType):
    """An output file: a non-empty name whose folder exists and is writable, and, when
    ``suffixes`` are given, one of them (a name that contradicts the format is an error). The
    check creates nothing; the file is written atomically by :func:`geo.io.atomic_path`, which
    turns any write failure into one error naming this path.

    Parameters
    ----------
    suffixes
        Accepted suffixes (lower case, with the dot), e.g. ``(".html", ".htm")``; empty: any.
    """

    name = "FILE"

    def __init__(self, suffixes: tuple[str, ...] = ()) -> None:
        self.suffixes = tuple(suffixes)

    def convert(self, value, param, ctx):
        if not str(value).strip():
            self.fail("must be a file name, got ''", param, ctx)
        path = Path(value).expanduser()
        if path.name in ("", ".", ".."):
            self.fail(f"must be a file name, got the folder {_shown(value)}", param, ctx)
        folder = path.parent
        state = path_state(folder)
        if state == "denied":
            self.fail(f"folder {_shown(folder)} cannot be reached: permission denied", param, ctx)
        if state == "file":
            self.fail(f"{_shown(folder)} is a file, not a folder: choose a folder", param, ctx)
        if state != "dir":
            self.fail(f"folder {_shown(folder)} does not exist: create it first", param, ctx)
        limit = _name_max(folder)
        if len(path.name.encode()) > limit:
            self.fail(f"file name longer than {limit} bytes: {_shown(path.name)}", param, ctx)
        if path_state(path) == "dir":
            self.fail(f"{_shown(path)} is a folder, not a file", param, ctx)
        if not os.access(folder, os.W_OK | os.X_OK):
            self.fail(f"folder {_shown(folder)} is not writable: choose another folder", param, ctx)
        if self.suffixes and path.suffix.lower() not in self.suffixes:
            self.fail(
                f"{_shown(path.name)}: this option writes {' or '.join(self.suffixes)} files; "
                f"name the file with {self.suffixes[0]}",
                param,
                ctx,
            )
        return path


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):
        return 255


class BoundedInt(click.ParamType):
    """A whole number in ``[minimum, maximum]``; the message states both bounds (a seed of -1 or
    2**70, ``--jobs 0`` or ``--boot 100000000`` fail before any work, instead of crashing or
    running for hours).

    Parameters
    ----------
    minimum, maximum
        Inclusive bounds.
    what
        What the number counts, for the message (``"a seed"``, ``"workers"``).
    exclude
        Values inside the bounds that are refused too (``--jobs 0``).
    """

    name = "INTEGER"

    def __init__(
        self, minimum: int, maximum: int, what: str, *, exclude: tuple[int, ...] = ()
    ) -> None:
        self.minimum, self.maximum, self.what, self.exclude = minimum, maximum, what, exclude

    def convert(self, value, param, ctx):
        if isinstance(value, bool):
            self.fail(f"must be {self.what}, got {value!r}", param, ctx)
        try:
            number = int(str(value).strip(), 10) if not isinstance(value, int) else value
        except ValueError:
            self.fail(f"must be {self.what}, a whole number, got {_shown(value)}", param, ctx)
        if not self.minimum <= number <= self.maximum or number in self.exclude:
            self.fail(
                f"must be {self.what} from {self.minimum:,} to {self.maximum:,}, "
                f"got {_shown(value)}",
                param,
                ctx,
            )
        return number


class KmRange(click.ParamType):
    """A finite distance in km in ``(0, maximum]`` (checked by :func:`geo.exposure.params.check_km`
    with ``maximum``)."""

    name = "KM"

    def __init__(self, maximum: float) -> None:
        self.maximum = maximum

    def convert(self, value, param, ctx):
        from minusma.geo._errors import ParameterError
        from minusma.geo.exposure.params import check_km

        try:
            return check_km(value, name=param.name if param else "km", maximum=self.maximum)
        except ParameterError as exc:
            self.fail(str(exc), param, ctx)


#: Largest seed: numpy's legacy seeding and scikit-learn accept 0..2**32-1.
SEED_MAX = 2**32 - 1
#: Most worker processes of a batch (a machine with more cores gains little beyond this, and
#: ``--jobs 100000`` would exhaust memory starting them).
JOBS_MAX = 64
#: Most bootstrap draws of an interval (10,000 gives stable 95 % intervals; more only takes time).
BOOT_MAX = 100_000
#: Most further attempts of a download (the waits double: 10 retries already wait ~17 minutes).
RETRIES_MAX = 10
#: Largest event-to-place match radius in km: beyond it every place is "positive" and the scores
#: mean nothing (the default is 10 km).
MATCH_KM_MAX = 100.0

ISO_DATE = IsoDate()
KM = Km()
SECONDS = Seconds()
URL = Url()
SEED = BoundedInt(0, SEED_MAX, "a seed")
JOBS = BoundedInt(
    -1, JOBS_MAX, "a number of worker processes (-1: every core, not 0)", exclude=(0,)
)
BOOT = BoundedInt(0, BOOT_MAX, "a number of bootstrap draws")
MATCH_KM = KmRange(MATCH_KM_MAX)
RETRIES = BoundedInt(0, RETRIES_MAX, "a number of retries")
#: The seasons of the speed table (stated here for the help text without importing the library).
SEASON = click.Choice(["dry", "wet"])


def _accept_edited_model(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    """``--accept-edited-model``: for this command only, load a model file whose content no longer
    matches the checksum ``minusma calibrate`` wrote (:func:`geo.exposure.calibrate.load_model`)."""
    if value:
        from minusma.geo.exposure.calibrate import accept_edited_models

        ctx.with_resource(accept_edited_models(True))
    return value


#: ``--accept-edited-model``: the explicit override of the model file's checksum, for every
#: command that takes ``--model`` (it reaches the loader directly, whatever the command does).
ACCEPT_EDITED_MODEL = click.option(
    "--accept-edited-model",
    is_flag=True,
    expose_value=False,
    callback=_accept_edited_model,
    help="Use a --model file even though it was changed after `minusma calibrate` wrote it "
    "(its checksum no longer matches).",
)


def exposure_options(func: F) -> F:
    """The model's options, shared by every command that assesses: ``--as-of``, ``--radius-km``,
    ``--season``, ``--close``, ``--keep``, ``--model`` (and ``--accept-edited-model``),
    ``--close-road``. Their defaults are left to
    :class:`geo.exposure.params.ExposureParams` (stated once there); build the object with
    :func:`exposure_params`."""
    options = [
        click.option(
            "--as-of",
            "as_of",
            type=ISO_DATE,
            default=None,
            help="ISO date; default: after the last site closed (2024-07-22). "
            "2023-06-30 is the situation before the withdrawal.",
        ),
        click.option(
            "--radius-km",
            "radius_km",
            type=KM,
            default=None,
            help="Radius of a site's security umbrella in km (default 50).",
        ),
        click.option("--season", type=SEASON, default=None, help="Speeds of this season (dry)."),
        click.option(
            "--close",
            multiple=True,
            metavar="SITE",
            help="Close this site (id or town; repeatable).",
        ),
        click.option(
            "--keep", multiple=True, metavar="SITE", help="Keep this site open (repeatable)."
        ),
        click.option(
            "--model",
            default=None,
            metavar="NAME|FILE",
            help="'inform' (the hand-set model, default) or a calibrated model file "
            "(minusma calibrate --out weights.json).",
        ),
        ACCEPT_EDITED_MODEL,
        click.option(
            "--close-road",
            "close_roads",
            multiple=True,
            metavar="SEGMENT",
            help="Cut this road segment (id or 'Town–Town'; repeatable).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def exposure_options_except(*names: str) -> Callable[[F], F]:
    """:func:`exposure_options` without the options whose parameter names are ``names``, for a
    command that gives one of those flags another meaning (``minusma plan --keep K``); pass the
    missing values to :func:`exposure_params` yourself."""

    def decorate(func: F) -> F:
        command: Any = exposure_options(func)  # click keeps the options in __click_params__
        command.__click_params__ = [p for p in command.__click_params__ if p.name not in names]
        return command

    return decorate


def exposure_params(*, as_of, radius_km, season, close, keep, close_roads, model=None):
    """The :class:`geo.exposure.params.ExposureParams` of :func:`exposure_options`' values (None
    and empty values keep the defaults); a contradiction (a site both closed and kept) raises the
    package's ParameterError, reported as a one-line error."""
    from minusma.geo.exposure.params import ExposureParams
    from minusma.layers.mission import mission_params

    return mission_params(
        ExposureParams.from_options(
            as_of=as_of,
            radius_km=radius_km,
            season=season,
            close=close or None,
            keep=keep or None,
            close_roads=close_roads or None,
            model=model,
        )
    )


#: Where ``--headers`` and ``--lang`` leave their values for :func:`format_option`'s wrapper
#: (the invocation's ``ctx.meta``: gone with it, so nothing carries over to another run, even when
#: a later option fails to parse).
HEADERS_META = "minusma.output.headers"
LANG_META = "minusma.output.lang"


def _headers_callback(ctx: click.Context, param: click.Parameter, value: str) -> str:
    ctx.meta[HEADERS_META] = value
    return value


def _lang_callback(ctx: click.Context, param: click.Parameter, value: str) -> str:
    ctx.meta[LANG_META] = value
    return value


def _with_header_settings(func: F) -> F:
    """``func`` run with the invocation's ``--headers`` and ``--lang``
    (:func:`minusma.output.header_settings`) for every output it writes."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        from minusma.output import header_settings

        meta = click.get_current_context().meta
        with header_settings(headers=meta.get(HEADERS_META), lang=meta.get(LANG_META)):
            return func(*args, **kwargs)

    return run  # type: ignore[return-value]


#: ``--headers``: CSV headers as machine keys or as the words people read (the one option of every
#: command that prints CSV; the choices and default mirror :data:`minusma.output.HEADERS`).
HEADERS_OPTION = click.option(
    "--headers",
    type=click.Choice(["keys", "labels"]),
    default="keys",
    show_default=True,
    expose_value=False,
    callback=_headers_callback,
    help="CSV headers: machine keys (as JSON), or labels in the --lang language (as the table).",
)


def _lang(*, expose: bool) -> Callable[[F], F]:
    """``--lang en|fr``; it also sets the language of the command's headers. ``expose=False``
    for commands that use the language only through their output (added by
    :func:`format_option`)."""
    from minusma.geo.i18n import DEFAULT_LANG, LANGS

    return click.option(
        "--lang",
        type=click.Choice(LANGS),
        default=DEFAULT_LANG,
        show_default=True,
        expose_value=expose,
        callback=_lang_callback,
        help="Language of the words written for people: table headers, CSV headers with "
        "--headers labels (data stay as sourced)."
        if not expose
        else "Language of the words written for people (data stay as sourced).",
    )


def _params(func: Callable) -> list:
    return getattr(func, "__click_params__", [])


def format_option(*choices: str) -> Callable[[F], F]:
    """``--format``: how a command prints its data (the first choice is the default).

    With it come the header options, the same for every command: ``--headers keys|labels`` when
    the command prints CSV, and ``--lang`` unless the command declares its own
    (:func:`lang_option`, in either order). The table format always shows headers in words.
    """

    def decorate(func: F) -> F:
        func = _with_header_settings(func)
        func = click.option(
            "--format",
            "fmt",
            type=click.Choice(list(choices)),
            default=choices[0],
            show_default=True,
            help="Table for people; "
            + ", ".join(c.upper() for c in choices[1:])
            + " for programs.",
        )(func)
        if "csv" in choices:
            func = HEADERS_OPTION(func)
        if not any(p.name == "lang" for p in _params(func)):
            func = _lang(expose=False)(func)
        return func

    return decorate


def lang_option(func: F) -> F:
    """``--lang en|fr``: the language of what a command writes for people (labels, headers,
    reasons, legends; data stay as sourced). The command receives ``lang``; the headers of its
    output follow it too."""
    params = _params(func)
    params[:] = [p for p in params if not (p.name == "lang" and not p.expose_value)]
    return _lang(expose=True)(func)


def places_option(func: F) -> F:
    """``--places towns|settlements``: what the commands that assess take as places."""
    return click.option(
        "--places",
        type=click.Choice(["towns", "settlements"]),
        default="towns",
        show_default=True,
        help="The curated towns, or the 18,769 OCHA COD settlements (needs --data).",
    )(func)


def note(message: str) -> None:
    """An informational line on stderr (what was written, the date assessed...), silenced by
    the ``minusma`` group's ``-q``."""
    ctx = click.get_current_context(silent=True)
    quiet = ctx.find_root().params.get("quiet", 0) if ctx is not None else 0
    if not quiet:
        click.echo(message, err=True)


def data_dir_option(func: F) -> F:
    """``--data DIR``: the open-data directory, defaulting to ``$MINUSMA_DATA``.

    The command receives ``data_dir`` (a :class:`pathlib.Path`, or None when neither is set; pass it
    on to :func:`layers.datadir.resolve_data_dir`, which explains how to fix a missing directory).
    """
    return click.option(
        "--data",
        "data_dir",
        type=ReadableDir(),
        envvar=DATA_ENVVAR,
        show_envvar=True,
        default=None,
        help="Open-data directory laid out like shared/data (see `minusma data`).",
    )(func)


def echo_data_gaps(items) -> None:
    """Print each data gap once to stderr as ``data gap: ...``: messages, and the recorded warnings
    about unknown speeds (other warnings are printed once each, formatted as Python formats
    them)."""
    from minusma.geo.speeds import UnknownSpeedWarning

    messages, shown = [], set()
    for item in list(items):
        if isinstance(item, warnings.WarningMessage):
            if not issubclass(item.category, UnknownSpeedWarning):
                said = warnings.formatwarning(
                    item.message, item.category, item.filename, item.lineno
                )
                if said not in shown:
                    shown.add(said)
                    click.echo(said.rstrip("\n"), err=True)
                continue
            args: tuple[object, ...] = getattr(item.message, "args", ())
            first = args[0] if len(args) == 1 else None
            item = first if isinstance(first, str) else str(item.message)
        messages.append(item)
    from minusma.geo.i18n import phrase_text, text
    from minusma.output import current_headers

    # the command's --lang: also after its header settings are gone (the group's last word)
    ctx = click.get_current_context(silent=True)
    lang = (ctx.meta.get(LANG_META) if ctx is not None else None) or current_headers().lang
    for message in dict.fromkeys(messages):  # a Phrase words itself in the language
        click.echo(text("cli.data_gap", lang, message=phrase_text(message, lang)), err=True)


def study_options(*, places: bool = False) -> Callable[[F], F]:
    """The options that build the command's :class:`minusma.Study`, passed to it as ``study``.

    ``--data DIR`` (default ``$MINUSMA_DATA``: the Study's one rule, the same for every command),
    ``--snap-km`` and ``--air-reach-km`` (preparation settings) and, with ``places=True``,
    ``--places towns|settlements``. A command decorated with this receives ``study`` instead of
    those values.

    Parameters
    ----------
    places
        Offer ``--places`` (commands that assess settlements as well as towns).

    Returns
    -------
    callable
        The decorator.
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(
            *args, data_dir=None, places="towns", max_snap_km=None, air_reach_km=None, **kw
        ):
            from click.core import ParameterSource

            from minusma.geo._errors import ParameterError

            source = click.get_current_context().get_parameter_source("data_dir")
            try:
                kw["study"] = make_study(  # from the environment: the Study's own rule says so
                    data_dir=None if source == ParameterSource.ENVIRONMENT else data_dir,
                    places=places,
                    max_snap_km=max_snap_km,
                    air_reach_km=air_reach_km,
                )
            except ParameterError as exc:  # a contradiction between options: a usage error
                raise click.BadParameter(str(exc), param_hint="--places") from exc
            return func(*args, **kw)

        options = [
            click.option(
                "--snap-km",
                "max_snap_km",
                type=KM,
                default=None,
                help="Farthest a place may lie from a road and count as on the network "
                "(default 10).",
            ),
            click.option(
                "--air-reach-km",
                "air_reach_km",
                type=KM,
                default=None,
                help="Farthest airstrip that counts as a place's air access (default 100).",
            ),
        ]
        if places:
            options.insert(0, places_option)
        options.append(data_dir_option)
        for option in reversed(options):
            wrapper = option(wrapper)
        return wrapper  # type: ignore[return-value]

    return decorate


def make_study(*, data_dir=None, places="towns", max_snap_km=None, air_reach_km=None):
    """The :class:`minusma.Study` of the command line's values (None keeps the defaults).

    Parameters
    ----------
    data_dir
        ``--data`` (click has already read ``$MINUSMA_DATA`` into it).
    places
        ``--places``.
    max_snap_km, air_reach_km
        ``--snap-km`` and ``--air-reach-km``.

    Returns
    -------
    minusma.Study
        Its context is prepared on first use.
    """
    from minusma.study import Study

    settings = {"max_snap_km": max_snap_km, "air_reach_km": air_reach_km}
    return Study(data_dir, places=places, **{k: v for k, v in settings.items() if v is not None})


def echo_study(study, out=None) -> None:
    """One informational line naming the data and the date assessed (silenced by ``-q``).

    Parameters
    ----------
    study
        The command's Study.
    out
        An assessment whose ``attrs["parameters"]`` give the date, season, radius and model.
    """
    from minusma.geo.i18n import term, text
    from minusma.output import current_headers

    lang = current_headers().lang
    line = text(
        "cli.study",
        lang,
        data=study.data_source_text(lang),
        places=term("places", study.places, lang),
    )
    if out is not None:
        p = out.attrs.get("parameters", {})
        said = text(
            "towns.note",
            lang,
            as_of=p.get("as_of"),
            season=term("season", p.get("season"), lang),
            radius_km=format(p.get("radius_km"), "g"),
            model=p.get("model"),
        )
        line = text("cli.params", lang, note=said) + line
    note(line)
