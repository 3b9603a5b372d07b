"""`bti clone` and `bti sync`: working together on one shared repository; `bti hook merge-case`
is the case merge driver git calls."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from bti.cli.base import echo_out, main
from bti.cli.hooks import hook


@main.command()
@click.argument("url")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), required=False)
def clone(url: str, directory: Path | None) -> None:
    """Get your own copy of a shared case repository, with the hooks and the merge driver.

    URL is the address of the shared repository (a path, https:// or ssh address). DIRECTORY is
    the new folder (default: the repository's name).
    """
    from bti import sync as sync_module

    sync_module.clone(url, directory, echo_out)


# The side a person takes in `bti sync --take`, in English, bokmål and nynorsk.
SIDE_WORDS = {
    "mine": "mine",
    "min": "mine",
    "mi": "mine",
    "theirs": "theirs",
    "deres": "theirs",
    "deira": "theirs",
}


class SideWord(click.Choice):  # type: ignore[type-arg]  # generic only in click ≥ 8.2
    """mine|theirs, or their Norwegian words (min, mi; deres, deira)."""

    def __init__(self) -> None:
        super().__init__(["mine", "theirs"], case_sensitive=False)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value.strip().lower() in SIDE_WORDS:
            return SIDE_WORDS[value.strip().lower()]
        return super().convert(value, param, ctx)


@main.command()
@click.option(
    "--take",
    type=(SideWord(), str),
    multiple=True,
    metavar="mine|theirs FIELD",
    help="In a conflict, take your value (mine; min, mi) or the server's (theirs; deres, deira) "
    "for FIELD, named as sync names it (holder, measures.m2.responsible); repeat for several "
    "fields. The merge is finished as one commit and sent.",
)
@click.option(
    "--continue",
    "go_on",
    is_flag=True,
    help="Finish a sync that stopped at a conflict, after you chose the values.",
)
@click.option(
    "--abort", is_flag=True, help="Undo a sync that stopped at a conflict; your work is kept."
)
def sync(take: tuple[tuple[str, str], ...], go_on: bool, abort: bool) -> None:
    """Exchange changes with the server: fetch, merge, check, send.

    Entries, consents, handovers, measures and meetings made by others at the same time are
    merged by meaning — nothing is lost and nothing is rewritten. When the same field (holder,
    level, …) was changed differently on both sides, sync stops and says which case and field;
    choose a side with 'bti sync --take mine FIELD' or 'bti sync --take theirs FIELD', or
    choose the value by hand and run 'bti sync --continue', or go back with 'bti sync --abort'.
    The other side's value stays in the history. Uncommitted changes are never touched: sync
    asks you to commit them first.
    """
    from bti import sync as sync_module
    from bti.errors import InputError
    from bti.i18n import _

    if go_on and abort:
        raise InputError(_("--continue and --abort cannot be used together"))
    if take and abort:
        raise InputError(_("--take and --abort cannot be used together"))
    chosen: sync_module.Takes = [
        ("mine" if side == "mine" else "theirs", field) for side, field in take
    ]
    if abort:
        sync_module.abort_sync(Path.cwd(), echo_out)
    elif go_on:
        sync_module.continue_sync(Path.cwd(), echo_out, chosen)
    else:
        sync_module.sync(Path.cwd(), echo_out, chosen)


@hook.command("merge-case")
@click.argument("base", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("ours", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("theirs", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("path", default="case")
def hook_merge_case(base: Path, ours: Path, theirs: Path, path: str) -> None:
    """The merge driver for case files (git runs it: %O %A %B %P); writes the result into OURS."""
    from bti import sync as sync_module

    result = sync_module.merge_driver(base, ours, theirs, path)
    for line in result.lines:
        click.echo(line, err=True)
    if result.code:
        sys.exit(result.code)
