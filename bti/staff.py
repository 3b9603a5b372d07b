"""The staff directory (people.yaml) as a library: list, change and remove people.

Each function returns a new `Directory` (or rows); `Session.save_settings` judges and commits it.
Removing a person is refused while cases still depend on them: an open case they hold, or a baton
offered to them. A sealed repository renews the data keys of the cases they could read on those
cases' next write (the readers are recomputed then), so nothing more is needed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args

from bti.checks import first_problem
from bti.errors import InputError, Refused
from bti.models import Directory, Person, Role
from bti.store import Repository

ROLES: tuple[str, ...] = get_args(Role)


def check_roles(roles: list[str]) -> list[str]:
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise InputError(f"unknown role {', '.join(unknown)}", hint=f"roles are {', '.join(ROLES)}")
    if not roles:
        raise InputError("give at least one role", hint=f"roles are {', '.join(ROLES)}")
    return roles


def check_service(repo: Repository, service: str) -> None:
    if repo.config.service(service) is None:
        known = ", ".join(s.id for s in repo.config.services)
        raise InputError(f"unknown service '{service}'", hint=f"use one of: {known}")


def person_rows(directory: Directory, service: str | None = None) -> list[dict[str, Any]]:
    """One row per person (name, email, service, roles, whether a signing key is registered)."""
    return [
        {
            "name": p.name,
            "email": p.email,
            "service": p.service,
            "roles": list(p.roles),
            "key": p.key is not None,
        }
        for p in directory.people
        if service is None or p.service == service
    ]


def find_person(directory: Directory, email: str) -> Person:
    found = directory.get(email)
    if found is None:
        raise InputError(
            f"{email} is not in people.yaml",
            hint="'bti person list' shows who is; 'bti person add' adds someone",
        )
    return found


def with_changes(
    directory: Directory,
    email: str,
    *,
    name: str | None = None,
    service: str | None = None,
    roles: list[str] | None = None,
) -> Directory:
    """`directory` with the person's name, service or roles changed (keys stay as they are)."""
    current = find_person(directory, email)
    update: dict[str, Any] = {}
    if name is not None:
        update["name"] = name
    if service is not None:
        update["service"] = service
    if roles is not None:
        update["roles"] = check_roles(roles)
    try:
        changed = Person.model_validate({**current.model_dump(), **update})
    except ValueError as err:
        raise InputError(f"{current.email} cannot be changed: {first_problem(err)}") from None
    people = [changed if p.email == current.email else p for p in directory.people]
    return directory.model_copy(update={"people": people})


@dataclass(frozen=True)
class Dependency:
    case_id: str
    why: str  # "holds it" | "is offered the baton"


def dependencies(repo: Repository, email: str) -> list[Dependency]:
    """The open cases that still depend on `email`: held by them, or offering them the baton.
    A sealed case's holder and offers are readable without its key."""
    email = email.lower()
    found = []
    for path in repo.case_files():
        case = repo.parse_file(path).case
        if case is None or case.status != "open":
            continue
        if case.holder == email:
            found.append(Dependency(case.id, "holds it"))
        offer = case.pending_handover()
        if offer is not None and offer.to == email:
            found.append(Dependency(case.id, "is offered the baton"))
    return found


def without(repo: Repository, directory: Directory, email: str) -> Directory:
    """`directory` without `email`; refused for the last leader and while cases depend on them."""
    person = find_person(directory, email)
    leaders = [p for p in directory.people if "leader" in p.roles]
    if leaders == [person]:
        raise Refused(
            f"{person.email} is the last leader: without a leader nobody can change people",
            hint="give someone else the leader role first: bti person set EMAIL --role leader",
        )
    waiting = dependencies(repo, person.email)
    if waiting:
        held = [d.case_id for d in waiting if d.why == "holds it"]
        offered = [d.case_id for d in waiting if d.why != "holds it"]
        parts = []
        if held:
            parts.append(f"holds open case(s) {', '.join(held)}")
        if offered:
            parts.append(f"is offered the baton in {', '.join(offered)}")
        raise Refused(
            f"{person.email} {' and '.join(parts)}",
            hint="first hand each case over (bti handover offer ID --to EMAIL, accepted by the "
            "new holder) or close it, and let them decline a pending offer "
            "(bti handover decline ID); then remove them",
        )
    people = [p for p in directory.people if p.email != person.email]
    return directory.model_copy(update={"people": people})
