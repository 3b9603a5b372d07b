"""`bti team`: the recurring interdisciplinary teams (TOT, ressursteam) kept in bti.yaml."""

from __future__ import annotations

import click

from bti.cli.base import echo_out, format_option, main, no_commit_option, show_outcome, split_list
from bti.i18n import _


@main.group()
def team() -> None:
    """Teams (TOT, ressursteam, fagteam) that discuss cases: their services, members and rhythm."""


@team.command("add")
@click.argument("name")
@click.option(
    "--services", required=True, help="Comma-separated ids of the services that take part."
)
@click.option("--member", "members", multiple=True, help="Email of a member (repeat for more).")
@click.option("--rhythm", default=None, help="How often it meets, in plain words.")
@click.option("--place", default=None, help="Where it usually meets.")
@no_commit_option
def team_add(
    name: str,
    services: str,
    members: tuple[str, ...],
    rhythm: str | None,
    place: str | None,
    no_commit: bool,
) -> None:
    """Add a team to bti.yaml. Leaders only."""
    from bti.session import Session
    from bti.settings import with_team

    session = Session.start()
    session.leader()
    old = session.repo.config
    new = with_team(
        old, session.repo.people, name, split_list(services), list(members), rhythm, place
    )
    summary = _("team {team} added").format(team=name.strip())
    show_outcome(session.save_settings("bti.yaml", old, new, summary, commit=not no_commit))


@team.command("list")
@format_option()
def team_list(fmt: str) -> None:
    """List the teams: name, services, members, rhythm and place."""
    from bti.output import render_rows
    from bti.settings import team_rows
    from bti.store import Repository

    rows = team_rows(Repository.find().config)
    echo_out(render_rows(rows, ["name", "services", "members", "rhythm", "place"], fmt))


@team.command("set")
@click.argument("name")
@click.option("--rename", default=None, help="A new name for the team.")
@click.option("--services", default=None, help="Comma-separated service ids (replace the present).")
@click.option(
    "--member", "members", multiple=True, help="Email of a member (repeat; replaces the present)."
)
@click.option("--rhythm", default=None, help="How often it meets ('' clears it).")
@click.option("--place", default=None, help="Where it usually meets ('' clears it).")
@no_commit_option
def team_set(
    name: str,
    rename: str | None,
    services: str | None,
    members: tuple[str, ...],
    rhythm: str | None,
    place: str | None,
    no_commit: bool,
) -> None:
    """Change a team in bti.yaml: only what is given changes. Leaders only."""
    from bti.errors import InputError
    from bti.session import Session
    from bti.settings import with_team_changed

    if not (rename or services is not None or members or rhythm is not None or place is not None):
        raise InputError(
            _("nothing to change"),
            hint=_("give --rename, --services, --member, --rhythm or --place (or several)"),
        )
    session = Session.start()
    session.leader()
    old = session.repo.config
    new = with_team_changed(
        old,
        session.repo.people,
        name,
        name=rename,
        services=split_list(services) if services is not None else None,
        members=list(members) or None,
        rhythm=rhythm,
        place=place,
    )
    if new == old:
        echo_out(_("team {team} is already so; nothing changed").format(team=name))
        return
    summary = _("team {team} changed").format(team=(rename or name).strip())
    show_outcome(session.save_settings("bti.yaml", old, new, summary, commit=not no_commit))


@team.command("refer")
@click.argument("case_id")
@click.option("--team", "name", required=True, help="The team in bti.yaml (TOT, ressursteam …).")
@click.option(
    "--for-parents",
    is_flag=True,
    help="The parents asked for it: reported on their behalf.",
)
@no_commit_option
def team_refer(case_id: str, name: str, for_parents: bool, no_commit: bool) -> None:
    """Report a case to a team, to be discussed there by id at its next meeting. A valid consent
    must cover all the team's services."""
    from bti import actions
    from bti.cli.base import change_case
    from bti.errors import InputError
    from bti.store import Repository

    config = Repository.find().config
    found = config.team(name)
    if found is None:
        known = ", ".join(t.name for t in config.teams) or "–"
        raise InputError(
            _("there is no team '{name}' in bti.yaml (the teams are: {known})").format(
                name=name, known=known
            ),
            hint=_("define the team under 'teams:' in bti.yaml: name, services, members, rhythm"),
        )
    change_case(case_id, actions.refer_to_team, no_commit, team=found.name, for_parents=for_parents)
