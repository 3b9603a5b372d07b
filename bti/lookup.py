"""What a person typed, matched to what the repository knows: a service id, a person's email, a
case id, a guardian's name. A value that matches nothing is an error that says so and names the
closest known one, instead of an empty list or a crash further down. Pure: no git, no click."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from bti.errors import InputError
from bti.i18n import _
from bti.models import Config, Directory


def closest(typed: str, known: Iterable[str]) -> str | None:
    """The known value nearest to `typed` (ignoring case), if any is near enough to suggest."""
    by_key = {k.casefold(): k for k in known}
    found = difflib.get_close_matches(typed.casefold(), list(by_key), n=1, cutoff=0.6)
    return by_key[found[0]] if found else None


def did_you_mean(typed: str, known: Iterable[str]) -> str:
    """' (did you mean 'X'?)', or nothing when no known value is close."""
    near = closest(typed, known)
    return " " + _("(did you mean '{near}'?)").format(near=near) if near else ""


def service_id(config: Config, typed: str) -> str:
    """The id of the service `typed` names: its id in any case (PPT is ppt) or its full name."""
    text = typed.strip()
    for service in config.services:
        if text.casefold() in (service.id.casefold(), service.name.casefold()):
            return service.id
    ids = [s.id for s in config.services]
    near = closest(text, ids) or closest(text, [s.name for s in config.services])
    if near is not None:
        near = next(s.id for s in config.services if near in (s.id, s.name))
    if near is not None:
        message = _("there is no service '{service}' in bti.yaml — did you mean '{near}'?")
    else:
        message = _("there is no service '{service}' in bti.yaml")
    raise InputError(
        message.format(service=text, near=near),
        hint=_("the services are: {services}").format(services=", ".join(ids)),
    )


def person_email(people: Directory, typed: str) -> str:
    """The email of the person in people.yaml `typed` is (an email, in any case)."""
    text = typed.strip().lower()
    if people.get(text) is not None:
        return text
    keys: dict[str, str] = {}
    for person in people.people:
        keys[person.email] = person.email
        keys[person.email.split("@")[0]] = person.email
        keys[person.name] = person.email
        for part in person.name.split():
            keys.setdefault(part, person.email)
    near = closest(text, keys)
    found = people.get(keys[near]) if near is not None else None
    if found is not None:
        message = _("there is no person '{typed}' in people.yaml — did you mean {email} ({name})?")
    elif near is not None:
        message = _("there is no person '{typed}' in people.yaml — did you mean {email}?")
    else:
        message = _("there is no person '{typed}' in people.yaml")
    raise InputError(
        message.format(
            typed=typed.strip(),
            email=keys[near] if near is not None else "",
            name=found.name if found is not None else "",
        ),
        hint=_("give the email as people.yaml has it ('bti person list' shows them)"),
    )


def case_id_hint(typed: str, known: Iterable[str]) -> str:
    """The hint for a case id that names no case: the closest id, or where to find them."""
    near = closest(typed, known)
    if near is not None:
        return _("did you mean {case}? 'bti case list' shows the cases").format(case=near)
    return _("'bti case list' shows the cases")
