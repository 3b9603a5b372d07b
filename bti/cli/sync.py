"""`bti clone` and `bti sync`: working together on one shared repository; `bti hook merge-case`
is the case merge driver git calls."""

from __future__ import annotations

import sys
from pathlib import Path

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


@main.command()
@click.option(
    "--continue",
    "go_on",
    is_flag=True,
    help="Finish a sync that stopped at a conflict, after you chose the values.",
)
@click.option(
    "--abort", is_flag=True, help="Undo a sync that stopped at a conflict; your work is kept."
)
def sync(go_on: bool, abort: bool) -> None:
    """Exchange changes with the server: fetch, merge, check, send.

    Entries, consents, handovers, measures and meetings made by others at the same time are
    merged by meaning — nothing is lost and nothing is rewritten. When the same field (holder,
    level, …) was changed differently on both sides, sync stops and says which case and field;
    choose the value and run 'bti sync --continue', or go back with 'bti sync --abort'.
    Uncommitted changes are never touched: sync asks you to commit them first.
    """
    from bti import sync as sync_module
    from bti.errors import InputError

    if go_on and abort:
        raise InputError("--continue and --abort cannot be used together")
    if abort:
        sync_module.abort_sync(Path.cwd(), echo_out)
    elif go_on:
        sync_module.continue_sync(Path.cwd(), echo_out)
    else:
        sync_module.sync(Path.cwd(), echo_out)


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
