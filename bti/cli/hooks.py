"""`bti hooks` installs the git hooks; `bti hook` is what git runs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bti.cli.base import echo_out, main


@main.group()
def hooks() -> None:
    """Install or remove the git hooks that enforce the rules on every commit and push."""


@hooks.command("install")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option(
    "--server",
    is_flag=True,
    help="Install pre-receive into a bare (server) repository instead of client hooks.",
)
@click.option(
    "--seal-key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --server: the server's private ed25519 key that opens sealed cases "
    "(default: the one set up before, or a new one kept in the repository's git folder).",
)
def hooks_install(path: Path, server: bool, seal_key: Path | None) -> None:
    """Install pre-commit and commit-msg (or, with --server, pre-receive). Earlier hooks are kept.

    On a server, the server's sealing key is set up too, and its public key printed: bti.yaml
    names it (server_key) so that every sealed case can be judged here."""
    from bti import hooks as hook_module
    from bti.errors import InputError
    from bti.i18n import _

    if seal_key is not None and not server:
        raise InputError(_("--seal-key is for a server: add --server"))
    for written in hook_module.install(path.resolve(), server=server):
        echo_out(_("installed {hook}").format(hook=written))
    if server:
        key_file, public, made = hook_module.server_key(path.resolve(), seal_key)
        if made:
            echo_out(_("made the server's sealing key {file}").format(file=key_file))
        else:
            echo_out(_("using the server's sealing key {file}").format(file=key_file))
        echo_out(_("the server's public key (bti init --server-key, or server_key in bti.yaml):"))
        echo_out(f"  {public}")


@hooks.command("uninstall")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--server", is_flag=True, help="Remove pre-receive from a bare repository.")
def hooks_uninstall(path: Path, server: bool) -> None:
    """Remove bti's hooks and put back any hook that was there before."""
    from bti import hooks as hook_module
    from bti.i18n import _

    removed = hook_module.uninstall(path.resolve(), server=server)
    for hook in removed:
        echo_out(_("removed {hook}").format(hook=hook))
    if not removed:
        echo_out(_("no bti hooks were installed here"))


@main.group()
def hook() -> None:
    """What git runs: the hooks themselves (you do not usually call these)."""


def _finish(result: object) -> None:
    for line in getattr(result, "lines", []):
        click.echo(line, err=True)
    code = getattr(result, "code", 0)
    if code:
        sys.exit(code)


@hook.command("pre-commit")
def hook_pre_commit() -> None:
    """Judge the staged case files against HEAD, as the committing author."""
    from bti import hooks as hook_module

    _finish(hook_module.pre_commit(Path.cwd()))


@hook.command("commit-msg")
@click.argument("message_file", type=click.Path(dir_okay=False, path_type=Path))
def hook_commit_msg(message_file: Path) -> None:
    """Refuse a commit message holding a national id or the name of a case's subject."""
    from bti import hooks as hook_module

    _finish(hook_module.commit_msg(Path.cwd(), message_file))


@hook.command("pre-receive")
def hook_pre_receive() -> None:
    """Server side: check every pushed commit, in order, against its parent (reads git's input)."""
    from bti import hooks as hook_module

    lines = sys.stdin.read().splitlines()
    _finish(hook_module.pre_receive(Path.cwd(), lines))


@hook.command("post-receive")
def hook_post_receive() -> None:
    """Server side, after a push was taken: record who pushed each commit, where the server
    names the pusher (reads git's input)."""
    from bti import hooks as hook_module

    lines = sys.stdin.read().splitlines()
    _finish(hook_module.post_receive(Path.cwd(), lines))
