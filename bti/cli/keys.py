"""`bti key`: signing commits with one's own SSH key (identity is a signature, not an author line)."""

from __future__ import annotations

from pathlib import Path

import click

from bti.cli.base import echo_out, main


@main.group()
def key() -> None:
    """Your signing key: every commit is signed with the key people.yaml registers for you."""


@key.command("init")
@click.option(
    "--key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Your private ed25519 key (default ~/.ssh/id_ed25519; made when missing).",
)
def key_init(key_file: Path | None) -> None:
    """Sign every commit in this case repository with your ed25519 key, making one if needed,
    and print the line a leader runs to register it."""
    from bti import gitrepo
    from bti.keys import describe, init_key
    from bti.store import Repository

    repo = Repository.find(None)
    me = gitrepo.require_identity(repo.root)
    setup = init_key(repo.root, me.email, key_file)
    made = "made a new key" if setup.made else "using your key"
    echo_out(f"{made} {setup.private} ({describe(setup.public)})")
    echo_out("git in this repository now signs every commit with it")
    person = repo.people.get(me.email)
    if person is not None and person.key == setup.public:
        echo_out("people.yaml already registers this key for you: nothing more to do")
        return
    verb = "set" if person is not None else "add"
    extra = "" if person is not None else " --name 'Your Name' --service SERVICE --role holder"
    echo_out("a leader registers it (then push, or 'bti sync'):")
    echo_out(f"  bti person {verb} {me.email}{extra} --key '{setup.public}'")
