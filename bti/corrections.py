"""Correcting whom a case is about: the subject, a guardian, the owner service.

Like every action these are pure functions from a case to its next version; they never judge. Who may
correct, and that a correction gives no consent authority after the fact, is for the rules (BTI305,
BTI306, BTI108), which judge this change exactly as the hooks and the server will. An action refuses
only what makes no sense as input: an unknown field, a value of the wrong form, no change at all.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import cast, get_args

from bti import events, nationalid
from bti.actions import Act, Change
from bti.errors import InputError
from bti.i18n import N_, _
from bti.models import Case, Entry, SubjectKind
from bti.rules.correction import CORRECTED, GUARDIAN_FIELDS

FIELDS = (
    "subject.name",
    "subject.born",
    "subject.kind",
    "subject.national_id",
    "owner_service",
    "guardian.N.name",
    "guardian.N.relation",
    "guardian.N.responsibility",
)
_GUARDIAN_FIELD = re.compile(r"^guardians?\.([0-9]{1,2})\.([a-z_]+)$")
_SERVICE_ID = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_YES = {"yes", "true", "ja", "1"}
_NO = {"no", "false", "nei", "0"}


# What the empty value was, as the refusal names it.
_EMPTY = {
    "reason": N_("the reason is empty"),
    "name": N_("the new name is empty"),
    "relation": N_("the new relation is empty"),
}


def _text(value: str, what: str) -> str:
    value = value.strip()
    if not value:
        if what == "reason":
            raise InputError(_(_EMPTY[what]), hint=_("give the reason with --reason"))
        raise InputError(_(_EMPTY[what]), hint=_("give the corrected value with --value"))
    return value


def _date(value: str, today: dt.date) -> dt.date:
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(
            _("'{value}' is not a date").format(value=value),
            hint=_("write the birth date as YYYY-MM-DD, e.g. 2011-03-02"),
        ) from None
    if day > today:
        raise InputError(
            _("the birth date {date} is in the future").format(date=day.isoformat()),
            hint=_("for a pregnant woman, give her own birth date and kind pregnant"),
        )
    return day


def _national_id(value: str) -> str | None:
    number = value.replace(" ", "")
    if not number:
        return None  # an empty value removes a wrongly recorded number
    if not nationalid.is_valid(number):
        raise InputError(
            _("the national id is not valid (11 digits with correct check digits)"),
            hint=_("check the number; --value '' removes a wrongly recorded one"),
        )
    return number


def _yes_no(value: str) -> bool:
    word = value.strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise InputError(
        _("'{value}' is not yes or no").format(value=value),
        hint=_("give --value yes (has parental responsibility) or no"),
    )


def _guardian_index(case: Case, number: str) -> int:
    index = int(number) - 1
    if not 0 <= index < len(case.guardians):
        raise InputError(
            _("case {id} has no guardian {number}").format(id=case.id, number=number),
            hint=_("'bti case show ID' lists the guardians; the first is guardian.1"),
        )
    return index


def _log(case: Case, act: Act, text: str, fields: list[str]) -> None:
    case.log.append(
        Entry(
            time=act.time,
            author=act.email,
            kind="event",
            text=text,
            event=CORRECTED,
            corrects=fields,
        )
    )


def correct(case: Case, act: Act, field: str, value: str, reason: str) -> Change:
    """Set one of the facts only a correction changes, and log the correction with its reason."""
    reason = _text(reason, "reason")
    new = case.model_copy(deep=True)
    notes: list[str] = []
    if field == "subject.name":
        new.subject.name = _text(value, "name")
    elif field == "subject.born":
        new.subject.born = _date(value, act.today)
    elif field == "subject.kind":
        kinds = get_args(SubjectKind)
        if value.strip() not in kinds:
            raise InputError(
                _("'{value}' is not a kind").format(value=value),
                hint=_("use one of: {choices}").format(choices=", ".join(kinds)),
            )
        new.subject.kind = cast(SubjectKind, value.strip())
    elif field == "subject.national_id":
        new.subject.national_id = _national_id(value)
    elif field == "owner_service":
        service = value.strip().lower()
        if not _SERVICE_ID.match(service):
            raise InputError(
                _("'{value}' is not a service id").format(value=value),
                hint=_("use an id like skole or ppt"),
            )
        _move_owner(new, service, notes)
    else:
        match = _GUARDIAN_FIELD.match(field)
        if match is None or match.group(2) not in GUARDIAN_FIELDS:
            raise InputError(
                _("'{field}' cannot be corrected").format(field=field),
                hint=_("correct one of: {fields}").format(fields=", ".join(FIELDS)),
            )
        index = _guardian_index(case, match.group(1))
        field = f"guardian.{index + 1}.{match.group(2)}"
        guardian = new.guardians[index]
        if match.group(2) == "responsibility":
            guardian.responsibility = _yes_no(value)
        elif match.group(2) == "name":
            name = _text(value, "name")
            if any(g.name == name for i, g in enumerate(case.guardians) if i != index):
                raise InputError(
                    _("another guardian in case {id} already has that name").format(id=case.id)
                )
            guardian.name = name
        else:
            guardian.relation = _text(value, "relation")
    if (
        new.subject == case.subject
        and new.guardians == case.guardians
        and (new.owner_service == case.owner_service)
    ):
        raise InputError(
            _("{field} already has that value in case {id}; nothing to correct").format(
                field=field, id=case.id
            )
        )
    _log(new, act, events.text("corrected", act.lang, fields=field, reason=reason), [field])
    return Change(new, f"{field} corrected", notes)


def _move_owner(case: Case, service: str, notes: list[str]) -> None:
    """At level 0 the case lives inside its owner service alone, so it moves there whole; from
    level 1 the old owner stays involved and the new one joins (a consent must cover it)."""
    old = case.owner_service
    case.owner_service = service
    if case.level == 0:
        case.services = [service if s == old else s for s in case.services]
    if service not in case.services:
        case.services.append(service)
    if old in case.services:
        notes.append(
            _(
                "{service} is still involved; take it out with 'bti service remove' if it should"
            ).format(service=old)
        )


def remove_guardian(case: Case, act: Act, name: str, reason: str) -> Change:
    """Take out a guardian recorded by mistake, with the reason. Consents they gave keep their
    record of who gave them; the rules judge what the case may rely on afterwards."""
    reason = _text(reason, "reason")
    index = next((i for i, g in enumerate(case.guardians) if g.name == name.strip()), None)
    if index is None:
        raise InputError(
            _("case {id} has no guardian by that name").format(id=case.id),
            hint=_("'bti case show ID' lists the guardians; give the name exactly as recorded"),
        )
    new = case.model_copy(deep=True)
    removed = new.guardians.pop(index)
    field = f"guardian.{index + 1}"
    text = events.text("guardian_removed", act.lang, relation=removed.relation, reason=reason)
    _log(new, act, text, [field])
    return Change(new, f"guardian {index + 1} removed")
