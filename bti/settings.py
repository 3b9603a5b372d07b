"""The municipality's settings (bti.yaml) as a library: services and teams.

Functions return rows or a new `Config`; `Session.save_settings` judges and commits it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from bti.checks import first_problem
from bti.errors import InputError
from bti.i18n import _, ngettext
from bti.models import Config, Directory, Team
from bti.store import Repository


def open_cases_by_service(repo: Repository) -> Counter[str]:
    """How many open cases involve each service (as owner or taking part). A sealed case's
    services are readable without its key, so every case counts."""
    counts: Counter[str] = Counter()
    for path in repo.case_files():
        case = repo.parse_file(path).case
        if case is not None and case.status == "open":
            counts.update({case.owner_service, *case.services})
    return counts


def service_rows(repo: Repository) -> list[dict[str, Any]]:
    counts = open_cases_by_service(repo)
    return [
        {"id": s.id, "name": s.name, "external": s.external, "open_cases": counts[s.id]}
        for s in repo.config.services
    ]


def team_rows(config: Config) -> list[dict[str, Any]]:
    return [
        {
            "name": t.name,
            "services": list(t.services),
            "members": list(t.members),
            "rhythm": t.rhythm,
            "place": t.place,
        }
        for t in config.teams
    ]


def _checked_team(config: Config, people: Directory, fields: dict[str, Any]) -> Team:
    unknown = [s for s in fields.get("services", []) if config.service(s) is None]
    if unknown:
        known = ", ".join(s.id for s in config.services)
        raise InputError(
            ngettext(
                "unknown service {services}", "unknown services {services}", len(unknown)
            ).format(services=", ".join(unknown)),
            hint=_("use some of: {services}").format(services=known),
        )
    strangers = [m for m in fields.get("members", []) if people.get(m) is None]
    if strangers:
        raise InputError(
            ngettext(
                "{emails} is not in people.yaml", "{emails} are not in people.yaml", len(strangers)
            ).format(emails=", ".join(strangers)),
            hint=_("'bti person list' shows who is; a team's members are staff in the directory"),
        )
    try:
        return Team.model_validate(fields)
    except ValueError as err:
        raise InputError(
            _("the team cannot be saved: {problem}").format(problem=first_problem(err))
        ) from None


def with_team(
    config: Config,
    people: Directory,
    name: str,
    services: list[str],
    members: list[str] | None = None,
    rhythm: str | None = None,
    place: str | None = None,
) -> Config:
    """`config` with a new team. Refused when a team of that name exists (`team set` changes it)."""
    if config.team(name) is not None:
        raise InputError(
            _("there is a team called '{team}' already").format(team=name),
            hint=_("change it with: bti team set '{team}' …").format(team=name),
        )
    fields: dict[str, Any] = {"name": name.strip(), "services": services}
    fields["members"] = [m.lower() for m in members or []]
    if rhythm is not None:
        fields["rhythm"] = rhythm
    if place is not None:
        fields["place"] = place
    team = _checked_team(config, people, fields)
    return config.model_copy(update={"teams": [*config.teams, team]})


def with_team_changed(config: Config, people: Directory, team_name: str, **changes: Any) -> Config:
    """`config` with the team `team_name` changed: only the fields given (not None) change; an empty
    rhythm or place ("") clears it."""
    team = config.team(team_name)
    if team is None:
        known = ", ".join(t.name for t in config.teams) or _("none yet")
        raise InputError(
            _("there is no team called '{team}'").format(team=team_name),
            hint=_("the teams are: {teams}").format(teams=known),
        )
    fields = team.model_dump(exclude_none=True)
    for key, value in changes.items():
        if value is None:
            continue
        if value == "" and key in {"rhythm", "place"}:
            fields.pop(key, None)
        elif key == "members":
            fields[key] = [m.lower() for m in value]
        else:
            fields[key] = value
    if changes.get("name") and config.team(changes["name"]) not in (None, team):
        raise InputError(_("there is a team called '{team}' already").format(team=changes["name"]))
    changed = _checked_team(config, people, fields)
    teams = [changed if t is team else t for t in config.teams]
    return config.model_copy(update={"teams": teams})
