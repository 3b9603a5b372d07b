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
from bti.i18n import _, ngettext
from bti.models import Directory, Person, Role
from bti.store import Repository

ROLES: tuple[str, ...] = get_args(Role)


def check_roles(roles: list[str]) -> list[str]:
    unknown = [r for r in roles if r not in ROLES]
    hint = _("roles are {roles}").format(roles=", ".join(ROLES))
    if unknown:
        raise InputError(
            ngettext("unknown role {roles}", "unknown roles {roles}", len(unknown)).format(
                roles=", ".join(unknown)
            ),
            hint=hint,
        )
    if not roles:
        raise InputError(_("give at least one role"), hint=hint)
    return roles


def check_service(repo: Repository, service: str) -> None:
    if repo.config.service(service) is None:
        known = ", ".join(s.id for s in repo.config.services)
        raise InputError(
            _("unknown service '{service}'").format(service=service),
            hint=_("use one of: {services}").format(services=known),
        )


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
            _("{email} is not in people.yaml").format(email=email),
            hint=_("'bti person list' shows who is; 'bti person add' adds someone"),
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
        raise InputError(
            _("{email} cannot be changed: {problem}").format(
                email=current.email, problem=first_problem(err)
            )
        ) from None
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
            _("{email} is the last leader: without a leader nobody can change people").format(
                email=person.email
            ),
            hint=_("give someone else the leader role first: bti person set EMAIL --role leader"),
        )
    waiting = dependencies(repo, person.email)
    if waiting:
        held = [d.case_id for d in waiting if d.why == "holds it"]
        offered = [d.case_id for d in waiting if d.why != "holds it"]
        if held and offered:
            message = _("{email} holds open case(s) {held} and is offered the baton in {offered}")
        elif held:
            message = _("{email} holds open case(s) {held}")
        else:
            message = _("{email} is offered the baton in {offered}")
        raise Refused(
            message.format(email=person.email, held=", ".join(held), offered=", ".join(offered)),
            hint=_(
                "first hand each case over (bti handover offer ID --to EMAIL, accepted by the "
                "new holder) or close it, and let them decline a pending offer "
                "(bti handover decline ID); then remove them"
            ),
        )
    people = [p for p in directory.people if p.email != person.email]
    return directory.model_copy(update={"people": people})
