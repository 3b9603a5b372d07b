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
    from bti.i18n import _
    from bti.keys import describe, init_key
    from bti.store import Repository

    repo = Repository.find(None)
    me = gitrepo.require_identity(repo.root)
    setup = init_key(repo.root, me.email, key_file)
    made = (
        _("made a new key {file} ({kind})") if setup.made else _("using your key {file} ({kind})")
    )
    echo_out(made.format(file=setup.private, kind=describe(setup.public)))
    echo_out(_("git in this repository now signs every commit with it"))
    person = repo.people.get(me.email)
    if person is not None and person.key == setup.public:
        echo_out(_("people.yaml already registers this key for you: nothing more to do"))
        return
    verb = "set" if person is not None else "add"
    extra = (
        ""
        if person is not None
        else " --name '{name}' --service SERVICE --role holder".format(name=_("Your Name"))
    )
    echo_out(_("a leader registers it (then push, or 'bti sync'):"))
    echo_out(f"  bti person {verb} {me.email}{extra} --key '{setup.public}'")


@main.command("seal")
@click.option(
    "--server-key",
    metavar="KEY",
    help="The server's public key (the line 'bti hooks install --server' printed, or its .pub "
    "file), when bti.yaml does not name it yet.",
)
@click.option(
    "--key-file",
    "key_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A private key to open sealed cases with, besides yours: the server's.",
)
@click.option(
    "--fresh",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Instead: start a new repository in this folder from the sealed state, without the "
    "history (the old repository is left as it is).",
)
@click.option("--no-commit", is_flag=True, help="Write the files but do not commit them.")
def seal(
    server_key: str | None, key_files: tuple[Path, ...], fresh: Path | None, no_commit: bool
) -> None:
    """Seal every case to the people who may read it and the server, in one commit.

    Turns sealing on in a repository of plain case files (a leader, with the server's key), and
    re-seals cases whose readers have changed. Git keeps the older, plain versions: see --fresh."""
    from bti import resealing
    from bti.cli.base import show_outcome
    from bti.i18n import _, ngettext
    from bti.keys import public_key_argument
    from bti.session import Session

    if fresh is not None:
        from bti import gitrepo
        from bti.store import Repository

        repo = Repository.find(None)
        sha = resealing.start_fresh(repo.root, fresh.resolve(), gitrepo.author(repo.root))
        echo_out(
            _(
                "started a new case repository in {folder} from the sealed state [commit {sha}]"
            ).format(folder=fresh, sha=sha[:8])
        )
        echo_out(
            "  "
            + _(
                "it has no history: push it to a new, empty server repository (with the server "
                "hook) and retire the old one, whose history still holds the plain versions"
            )
        )
        return
    public = public_key_argument(server_key) if server_key else None
    session = Session.start()
    result = resealing.seal_repository(session, public, list(key_files), commit=not no_commit)
    if result.outcome is None:
        echo_out(_("every case is sealed for its readers already: nothing to do"))
        return
    show_outcome(result.outcome)
    if result.turned_on:
        echo_out(
            _("sealing is on: every case is sealed for its readers and the server from now on")
        )
    before = "HEAD~1" if result.outcome.commit else "HEAD"
    plain = resealing.plain_versions(session.repo.root, result.sealed, before)
    if plain:
        echo_out(
            ngettext(
                "what cannot be undone: git still holds {n} earlier version of these cases in "
                "plain text, readable to anyone with a clone of this repository's history",
                "what cannot be undone: git still holds {n} earlier versions of these cases in "
                "plain text, readable to anyone with a clone of this repository's history",
                plain,
            ).format(n=plain)
        )
        echo_out(
            "  "
            + _(
                "to leave that history behind, start afresh from the sealed state: "
                "bti seal --fresh NEW_FOLDER"
            )
        )
