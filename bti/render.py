"""Documents from templates, and the calendar files that go with them.

Markdown comes from Jinja2 templates: the repository's own `templates/` first, then the ones that ship
with bti, so a municipality overrides one document by putting a file of the same name in its folder.
Undefined values are errors (a misspelt field must not print as an empty line), and nothing is escaped
(the output is Markdown, not HTML).

Every document is checked by the privacy rules before anyone sees it: never a national id, and for
documents that leave the case (team meetings, calendars) never a subject's name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bti import nationalid
from bti.errors import InputError, Refused
from bti.resources import builtin

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = "templates"


def environment(root: Path | None) -> Environment:
    """Jinja's environment: `root`/templates first, then the built-in templates."""
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

    folders = [root / TEMPLATES] if root is not None else []
    folders.append(builtin(TEMPLATES))
    return Environment(
        loader=ChoiceLoader([FileSystemLoader(str(f)) for f in folders if f.is_dir()]),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def template_name(document: str, lang: str) -> str:
    return f"{document}.{lang}.md.j2"


def render(root: Path | None, document: str, lang: str, data: Mapping[str, Any]) -> str:
    """Render `document` in `lang` with `data`; a broken template is a clear input error."""
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError

    name = template_name(document, lang)
    env = environment(root)
    try:
        template = env.get_template(name)
        text = template.render(**data)
    except TemplateNotFound:
        raise InputError(
            f"there is no template {name}, neither in {TEMPLATES}/ nor among bti's own",
            hint="restore it from bti's templates, or choose another language with --lang",
        ) from None
    except TemplateSyntaxError as err:
        where = err.filename or name
        raise InputError(
            f"{where}:{err.lineno}: the template cannot be read: {err.message}",
            hint="correct the template, or delete it to use bti's built-in one",
        ) from None
    except TemplateError as err:
        raise InputError(
            f"the template {name} could not be filled in: {err}",
            hint="correct the template in templates/ (a field name may be misspelt), or delete "
            "it to use bti's built-in one",
        ) from None
    # Never more than one blank line, and exactly one newline at the end.
    lines: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip("\n") + "\n"


# -- privacy -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """A subject's name and the case it belongs to (the case id may be shown, the name never)."""

    name: str
    case_id: str


def check_document(text: str, what: str, subjects: Sequence[Subject] = ()) -> None:
    """Refuse (BTI505) a document holding a national id, or any of `subjects`' names."""
    from bti.rules.privacy import DOCUMENT_LEAK, ids_in, names_in

    numbers = ids_in(text)
    if numbers:
        masked = ", ".join(nationalid.mask(n) for n in numbers)
        raise Refused(
            DOCUMENT_LEAK.violation(
                f"the {what} would contain a national id ({masked}); nothing was written — "
                "remove the number from the case or from what you typed ('bti validate' shows "
                "where it is in a case)"
            ).render()
        )
    if not subjects:
        return
    found = set(names_in(text, [s.name for s in subjects]))
    cases = sorted({s.case_id for s in subjects if s.name in found})
    if cases:
        raise Refused(
            DOCUMENT_LEAK.violation(
                f"the {what} would name the subject of case {', '.join(cases)}; nothing was "
                "written — a team document refers to a child by case id only (check the team's "
                "name and place, what you typed, and your own templates)"
            ).render()
        )


def write_document(path: Path, text: str) -> None:
    from bti import yamlio

    writable(path)
    yamlio.atomic_write(path, text)


def writable(path: Path) -> None:
    """Refuse a target that cannot be written, before anything is written."""
    if path.is_dir():
        raise InputError(f"{path} is a folder", hint="give a file name, e.g. --out agenda.md")
    if not path.parent.is_dir():
        raise InputError(
            f"the folder {path.parent} does not exist", hint="create it first, or choose another"
        )


# -- iCalendar -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Invitation:
    """A timed meeting in Europe/Oslo, with the people invited by email."""

    uid: str
    summary: str
    start: dt.datetime
    minutes: int
    description: str = ""
    location: str | None = None
    organizer: str | None = None
    attendees: tuple[str, ...] = ()


@dataclass(frozen=True)
class Deadline:
    """An all-day entry: something to be done by this day."""

    uid: str
    day: dt.date
    summary: str
    description: str = ""


def _calendar(name: str, method: str) -> Any:
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", "-//bti//stafettlogg//NO")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Oslo")
    return cal


def invitation_ics(invitation: Invitation, stamp: dt.datetime, calendar_name: str) -> str:
    """A meeting request: ORGANIZER and ATTENDEE as mailto:, the time in Europe/Oslo."""
    from zoneinfo import ZoneInfo

    from icalendar import Event, vCalAddress

    cal = _calendar(calendar_name, "REQUEST")
    event = Event()
    event.add("uid", invitation.uid)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("summary", invitation.summary)
    start = invitation.start.replace(tzinfo=ZoneInfo("Europe/Oslo"))
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=invitation.minutes))
    if invitation.description:
        event.add("description", invitation.description)
    if invitation.location:
        event.add("location", invitation.location)
    if invitation.organizer:
        event.add("organizer", vCalAddress(f"mailto:{invitation.organizer}"))
    for email in invitation.attendees:
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        attendee.params["PARTSTAT"] = "NEEDS-ACTION"
        attendee.params["RSVP"] = "TRUE"
        event.add("attendee", attendee, encode=False)
    event.add("categories", ["BTI"])
    cal.add_component(event)
    cal.add_missing_timezones(
        first_date=dt.date(start.year, 1, 1), last_date=dt.date(start.year + 1, 1, 1)
    )
    return str(cal.to_ical().decode("utf-8"))


def deadlines_ics(deadlines: Sequence[Deadline], stamp: dt.datetime, calendar_name: str) -> str:
    """All-day entries, one per deadline, with stable UIDs: importing again updates them."""
    from icalendar import Event, Timezone

    cal = _calendar(calendar_name, "PUBLISH")
    if deadlines:
        first = min(d.day for d in deadlines)
        last = max(d.day for d in deadlines)
        cal.add_component(
            Timezone.from_tzid(
                "Europe/Oslo",
                first_date=dt.date(first.year, 1, 1),
                last_date=dt.date(last.year + 1, 1, 1),
            )
        )
    utc_stamp = stamp.astimezone(dt.UTC)
    for item in deadlines:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", utc_stamp)
        event.add("summary", item.summary)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        if item.description:
            event.add("description", item.description)
        event.add("categories", ["BTI"])
        cal.add_component(event)
    return str(cal.to_ical().decode("utf-8"))
