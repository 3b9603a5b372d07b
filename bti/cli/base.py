"""The root command group, the one place where bti's errors become messages and exit codes.

Only click is imported at module level here and in every command module: `bti --help` must start fast,
so each command imports what it needs when it runs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from bti.i18n import _

F = TypeVar("F", bound=Callable[..., Any])


# The order of `bti --help`: a case's life first, then reading, documents, and plumbing.
COMMAND_ORDER = [
    "init",
    "person",
    "key",
    "seal",
    "completion",
    "service",
    "team",
    "case",
    "guardian",
    "log",
    "consent",
    "level",
    "step",
    "measure",
    "handover",
    "chain",
    "validate",
    "rules",
    "audit",
    "due",
    "meeting",
    "calendar",
    "report",
    "clone",
    "sync",
    "schema",
    "hooks",
    "hook",
]


def language_from(args: list[str]) -> str:
    """The person's language for this run, chosen before click reads the arguments (so that even
    `--help` and click's own errors speak it): `--lang` anywhere on the line (it is also a
    document's language), else BTI_LANG, else bti.yaml's `language`, else the locale."""
    from pathlib import Path

    from bti import i18n

    option = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            option = args[i + 1]
        elif arg.startswith("--lang="):
            option = arg.partition("=")[2]
    configured = None
    if option is None and not os.environ.get("BTI_LANG"):
        configured = i18n.configured_language(Path.cwd())
    return i18n.choose(option, configured)


def _said(text: str) -> str:
    import inspect

    from bti.i18n import gettext

    return gettext(inspect.cleandoc(text))


@contextmanager
def translated_help(command: click.Command, ctx: click.Context) -> Iterator[None]:
    """While click formats `command`'s help: its text, its options' help and its subcommands'
    one-line help in the person's language. click keeps them in English on the objects (they are
    made at import, before the language is known); bti/babelext.py extracts them for the
    catalogues."""
    saved: list[tuple[object, str, str]] = []

    def swap(owner: object, attribute: str) -> None:
        value = getattr(owner, attribute, None)
        if isinstance(value, str) and value.strip():
            saved.append((owner, attribute, value))
            setattr(owner, attribute, _said(value))

    for attribute in ("help", "short_help", "epilog"):
        swap(command, attribute)
    for param in command.params:
        swap(param, "help")
    helper = command.get_help_option(ctx)
    if helper is not None:  # click makes it once per command, in the language of that moment
        saved.append((helper, "help", helper.help or ""))
        helper.help = _("Show this message and exit.")
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            swap(sub, "help")
            swap(sub, "short_help")
    try:
        yield
    finally:
        for owner, attribute, value in reversed(saved):
            setattr(owner, attribute, value)


class BtiCommand(click.Command):
    """A command whose help is said in the person's language."""

    def get_help(self, ctx: click.Context) -> str:
        with translated_help(self, ctx):
            return super().get_help(ctx)


class BtiGroup(click.Group):
    """Lists commands in the order they were added, speaks the person's language, and turns bti's
    errors into exit codes."""

    command_class = BtiCommand
    group_class = type  # subgroups are BtiGroups too

    def main(self, args: Any = None, *rest: Any, **extra: Any) -> Any:
        from bti import i18n
        from bti.cli import clickwords

        argv = list(sys.argv[1:] if args is None else args)
        clickwords.speak()
        with i18n.use(language_from(argv)):  # the language before it comes back after the run
            return super().main(argv, *rest, **extra)

    def get_help(self, ctx: click.Context) -> str:
        with translated_help(self, ctx):
            return super().get_help(ctx)

    def list_commands(self, ctx: click.Context) -> list[str]:
        first = [name for name in COMMAND_ORDER if name in self.commands]
        return first + [name for name in self.commands if name not in first]

    def invoke(self, ctx: click.Context) -> Any:
        from bti.errors import BtiError

        sealed = sys.modules.get("bti.sealing")
        if sealed is not None:  # each command finds its person's key afresh
            sealed.use(None)
        try:
            return super().invoke(ctx)
        except BtiError as err:
            click.echo(err.render(), err=True)
            ctx.exit(err.exit_code)
        except BrokenPipeError:
            # The reader went away (`bti case list | head`): say nothing more, as git does.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(141)
        except KeyboardInterrupt:
            click.echo(_("bti: interrupted; nothing was left half-written"), err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as err:  # a bug: say so plainly, and show details only on request
            from pydantic import ValidationError

            if isinstance(err, ValidationError):
                # A value typed on the command line that the models refuse: said in words.
                from bti.checks import schema_message

                for problem in err.errors(include_url=False)[:3]:
                    click.echo(f"bti: {schema_message(problem)}", err=True)
                ctx.exit(2)
            if os.environ.get("BTI_DEBUG"):
                raise
            click.echo(
                _(
                    "bti: internal error ({kind}: {error}).\n"
                    "  → This is a fault in bti, not in your data. Run again with BTI_DEBUG=1 and "
                    "send the output to whoever maintains bti here."
                ).format(kind=type(err).__name__, error=err),
                err=True,
            )
            ctx.exit(1)
        finally:
            # A command's session holds the clone's lock until the command ends (bti/lock.py).
            held = sys.modules.get("bti.lock")
            if held is not None:
                held.release_all()


@click.group(cls=BtiGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bti", message="bti %(version)s")
@click.option(
    "--lang",
    type=click.Choice(["nb", "nn", "en"]),
    expose_value=False,
    help="The language bti speaks (default: BTI_LANG, else bti.yaml, else the locale).",
)
def main() -> None:
    """bti: the stafettlogg (relay log) of BTI, kept in git with its rules enforced.

    Each child's case is a YAML file under cases/ in a git repository. Every change is one commit by
    the person making it, checked against the consent, holder and history rules.
    """


def format_option(
    choices: tuple[str, ...] = ("table", "json", "csv"), default: str = "table"
) -> Callable[[F], F]:
    """The same --format flag on every listing command."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format.",
    )


def no_commit_option(func: F) -> F:
    return click.option("--no-commit", is_flag=True, help="Only write the file; make no commit.")(
        func
    )


def echo_out(text: str) -> None:
    click.echo(text)


class DateType(click.ParamType):  # type: ignore[type-arg]  # generic only in click ≥ 8.2
    """An ISO date (YYYY-MM-DD), with a plain message when it is not one."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        import datetime as dt

        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(
                _("'{value}' is not a date — write it as YYYY-MM-DD, e.g. 2026-09-01").format(
                    value=value
                ),
                param,
                ctx,
            )


DATE = DateType()


def split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def show_outcome(outcome: Any) -> None:
    """What a mutating command did: the change, the commit, then warnings and notes."""
    done = f"{outcome.summary}"
    if outcome.commit:
        done += "  " + _("[commit {sha}]").format(sha=outcome.commit[:8])
    else:
        done += "  " + _("[written, not committed]")
    click.echo(done)
    for violation in outcome.warnings:
        click.echo(violation.render(), err=True)
    for note in outcome.notes:
        click.echo(_("note: {note}").format(note=note), err=True)


def change_case(case_id: str, action: Any, no_commit: bool, **kwargs: Any) -> None:
    """Load the case, apply `action`, judge, write, commit, report."""
    from bti.session import Session

    session = Session.start()
    session.person()
    loaded = session.repo.load_case(case_id)
    change = action(loaded.case, session.act, **kwargs)
    show_outcome(session.apply(loaded, change, commit=not no_commit))


# Words a Norwegian user types for the values of an option, in bokmål and nynorsk, beside the
# English values the files store. One table for every option that takes a word.
NORWEGIAN: dict[str, tuple[str, ...]] = {
    # measure outcomes
    "end": ("avslutt", "avslutte", "avslutta", "slutt"),
    "continue": ("fortsett", "fortsette", "fortset", "halde-fram", "hald-fram"),
    "adjust": ("juster", "justere", "justera", "endre", "endra"),
    "refer": ("henvis", "henvise", "tilvis", "tilvise", "vis-vidare", "vise-videre"),
    # whom a case is about
    "child": ("barn",),
    "youth": ("ungdom",),
    "pregnant": ("gravid",),
    "family": ("familie",),
    # log entries
    "note": ("notat",),
    "voice": ("stemme", "barnets-stemme", "barnet-si-stemme"),
    "meeting": ("møte", "mote"),
    # meetings
    "coordination": ("samarbeid", "samarbeidsmøte", "samarbeidsmote"),
    "evaluation": ("evaluering", "evalueringsmøte", "evalueringsmote"),
    "team": ("teammøte",),
    "other": ("annet", "anna", "annan"),
    "ansvarsgruppe": ("ansvarsgruppemøte", "ansvarsgruppemote", "ansvarsgruppa"),
    "ressursteam": (
        "ressursteammøte",
        "ressursteammote",
        "utvidet-ressursteam",
        "utvida-ressursteam",
        "nettverksmøte",
        "utvidet-nettverksmøte",
        "utvida-nettverksmøte",
    ),
    # case status
    "open": ("åpen", "åpne", "opne", "apen"),
    "closed": ("lukket", "lukka", "avsluttet", "avslutta-saker"),
    "all": ("alle",),
}


class Words(click.Choice):  # type: ignore[type-arg]  # generic only in click ≥ 8.2
    """A choice of words that also takes each value's Norwegian words (bokmål and nynorsk, any
    case, spaces as hyphens): `--outcome avslutt` is `--outcome end`."""

    def __init__(self, choices: list[str]) -> None:
        super().__init__(choices, case_sensitive=False)
        self.aliases = {alias: value for value in choices for alias in NORWEGIAN.get(value, ())}

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str):
            key = "-".join(value.strip().lower().split())
            if key in self.aliases:
                return self.aliases[key]
        return super().convert(value, param, ctx)

    def get_metavar(self, param: click.Parameter, *args: Any, **kwargs: Any) -> str:
        words = "|".join(str(c) for c in self.choices)
        norsk = "|".join(NORWEGIAN[str(c)][0] for c in self.choices if str(c) in NORWEGIAN)
        return f"[{words}]" + (f" ({norsk})" if norsk else "")
