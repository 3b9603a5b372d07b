"""What a person typed, matched to what the repository knows: a service id, a person's email, a
case id, a guardian's name. A value that matches nothing is an error that says so and names the
closest known one, instead of an empty list or a crash further down. Pure: no git, no click."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from bti.errors import InputError
from bti.models import Config, Directory


def closest(typed: str, known: Iterable[str]) -> str | None:
    """The known value nearest to `typed` (ignoring case), if any is near enough to suggest."""
    by_key = {k.casefold(): k for k in known}
    found = difflib.get_close_matches(typed.casefold(), list(by_key), n=1, cutoff=0.6)
    return by_key[found[0]] if found else None


def did_you_mean(typed: str, known: Iterable[str]) -> str:
    """' (did you mean 'X'?)', or nothing when no known value is close."""
    near = closest(typed, known)
    return f" (did you mean '{near}'?)" if near else ""


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
    raise InputError(
        f"there is no service '{text}' in bti.yaml"
        + (f" — did you mean '{near}'?" if near else ""),
        hint="the services are: " + ", ".join(ids),
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
    suggestion = ""
    if near is not None:
        email = keys[near]
        found = people.get(email)
        suggestion = f" — did you mean {email}" + (f" ({found.name})" if found else "") + "?"
    raise InputError(
        f"there is no person '{typed.strip()}' in people.yaml{suggestion}",
        hint="give the email as people.yaml has it ('bti person list' shows them)",
    )


def case_id_hint(typed: str, known: Iterable[str]) -> str:
    """The hint for a case id that names no case: the closest id, or where to find them."""
    near = closest(typed, known)
    if near is not None:
        return f"did you mean {near}? 'bti case list' shows the cases"
    return "'bti case list' shows the cases"
