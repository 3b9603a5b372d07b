"""Shell completion (issue 13): `bti completion bash|zsh|fish` prints the script, and case ids,
people, services, teams, consents and measures are completed from the repository one stands in.

Completion uses click's own machinery; what a parameter completes is given here by its name, in
one table, so that every command with a `case_id` argument or a `--service` option completes the
same way. A completion never fails: outside a repository, or with a file that cannot be read, it
offers nothing. Sealed cases complete by id only — an id is never secret, a name would be.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.shell_completion import CompletionItem

from bti.cli.base import echo_out, main

if TYPE_CHECKING:
    from bti.models import Config, Directory
    from bti.store import Repository

Complete = Callable[[click.Context, click.Parameter, str], list[CompletionItem]]


def _repo() -> Repository | None:
    from bti.store import Repository, find_root

    root = find_root(Path.cwd())
    return Repository(root) if root is not None else None


def _settings() -> tuple[Config, Directory] | None:
    """bti.yaml and people.yaml of the repository one stands in; None when there is none or
    they cannot be read (a completion offers nothing rather than fail)."""
    repo = _repo()
    if repo is None:
        return None
    try:
        return repo.config, repo.people
    except Exception:
        return None


def case_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    repo = _repo()
    if repo is None:
        return []
    wanted = incomplete.upper()
    return [CompletionItem(path.stem) for path in repo.case_files() if path.stem.startswith(wanted)]


def people(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    settings = _settings()
    if settings is None:
        return []
    return [
        CompletionItem(p.email, help=f"{p.name}, {p.service}")
        for p in settings[1].people
        if p.email.startswith(incomplete.lower())
    ]


def services(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    settings = _settings()
    if settings is None:
        return []
    # --services a,b: complete the last of the list
    head, _, last = incomplete.rpartition(",")
    prefix = f"{head}," if head else ""
    return [
        CompletionItem(prefix + s.id, help=s.name)
        for s in settings[0].services
        if s.id.startswith(last.lower())
    ]


def teams(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    settings = _settings()
    if settings is None:
        return []
    wanted = incomplete.lower()
    return [CompletionItem(t.name) for t in settings[0].teams if t.name.lower().startswith(wanted)]


def _records(kind: str) -> Complete:
    """Consent (c1) or measure (m1) ids of the case named earlier on the line."""

    def complete(
        ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        repo = _repo()
        case_id = ctx.params.get("case_id")
        if repo is None or not case_id:
            return []
        parsed = repo.parse_file(repo.case_path(str(case_id).upper()))
        if parsed.case is None:
            return []
        records = parsed.case.consents if kind == "consent" else parsed.case.measures
        return [CompletionItem(r.id) for r in records if r.id.startswith(incomplete)]

    return complete


BY_NAME: dict[str, Complete] = {
    "case_id": case_ids,
    "email": people,
    "to": people,
    "responsible": people,
    "holder": people,
    "service": services,
    "service_id": services,
    "services": services,
    "team": teams,
    "consent_id": _records("consent"),
    "measure_id": _records("measure"),
}


def attach(group: click.Group) -> None:
    """Give every parameter named in BY_NAME its completion."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            attach(command)
            continue
        for param in command.params:
            complete = BY_NAME.get(param.name or "")
            if complete is not None and param._custom_shell_complete is None:
                param._custom_shell_complete = complete


SHELLS = {
    "bash": ("~/.bashrc", 'eval "$(bti completion bash)"'),
    "zsh": ("~/.zshrc", 'eval "$(bti completion zsh)"'),
    "fish": ("~/.config/fish/completions/bti.fish", "bti completion fish | source"),
}


@main.command("completion")
@click.argument("shell", type=click.Choice(sorted(SHELLS)))
def completion(shell: str) -> None:
    """Print the shell completion script for bash, zsh or fish.

    Tab then completes commands, options, case ids, people, services and teams from the case
    repository you stand in."""
    from click.shell_completion import get_completion_class

    cls = get_completion_class(shell)
    assert cls is not None
    script = cls(main, {}, "bti", "_BTI_COMPLETE").source()
    echo_out(script.rstrip("\n"))
