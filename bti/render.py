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
from bti.i18n import _
from bti.resources import builtin

if TYPE_CHECKING:
    from bti.sandbox import BtiSandbox

TEMPLATES = "templates"


def environment(root: Path | None) -> BtiSandbox:
    """Jinja's sandboxed environment: `root`/templates first, then the built-in templates."""
    from jinja2 import ChoiceLoader

    from bti.sandbox import FolderLoader
    from bti.sandbox import environment as sandboxed

    loaders = []
    if root is not None and (root / TEMPLATES).is_dir():
        # The repository's templates came from whoever pushed them: judged before they run.
        loaders.append(FolderLoader(str(root / TEMPLATES), _problems, f"{TEMPLATES}/"))
    loaders.append(FolderLoader(str(builtin(TEMPLATES))))
    return sandboxed(ChoiceLoader(loaders))


def _problems(path: str, data: bytes) -> list[str]:
    from bti.rules.templates import template_problems

    return [v.render() for v in template_problems(path, data) if v.is_error]


def template_name(document: str, lang: str) -> str:
    return f"{document}.{lang}.md.j2"


def render(root: Path | None, document: str, lang: str, data: Mapping[str, Any]) -> str:
    """Render `document` in `lang` with `data`; a broken or unsafe template is a clear input error
    that names the template's file and line, and nothing of it runs beyond the sandbox."""
    from jinja2 import TemplateNotFound, TemplateSyntaxError
    from jinja2.exceptions import SecurityError

    from bti.sandbox import TemplateLimit, TemplateRefused, render_bounded

    name = template_name(document, lang)
    env = environment(root)
    try:
        text = render_bounded(env, name, data)
    except TemplateNotFound as err:
        if err.name != name:
            raise InputError(
                _(
                    "{place}: the template uses '{other}', which is not a template in {folder}/"
                ).format(place=_place(root, err, name), other=err.name, folder=TEMPLATES),
                hint=_(
                    "a template may include only other templates in the same folder; correct "
                    "it, or delete it to use bti's built-in one"
                ),
            ) from None
        raise InputError(
            _("there is no template {name}, neither in {folder}/ nor among bti's own").format(
                name=name, folder=TEMPLATES
            ),
            hint=_("restore it from bti's templates, or choose another language with --lang"),
        ) from None
    except TemplateSyntaxError as err:
        where = _shown(root, err.filename) if err.filename else name
        raise InputError(
            _("{place}: the template cannot be read: {problem}").format(
                place=f"{where}:{err.lineno}", problem=err.message
            ),
            hint=_("correct the template, or delete it to use bti's built-in one"),
        ) from None
    except TemplateRefused as err:
        raise InputError(
            _("a template in templates/ may not be used, so nothing was rendered:")
            + "\n"
            + "\n".join(err.problems),
            hint=_("correct the template, or delete it to use bti's built-in one"),
        ) from None
    except TemplateLimit as err:
        raise InputError(
            _("{place}: the template was stopped: {problem}; nothing of it was written").format(
                place=_place(root, err, _file(env, name)), problem=err
            ),
            hint=_("correct the template, or delete it to use bti's built-in one"),
        ) from None
    except SecurityError as err:
        raise InputError(
            _(
                "{place}: the template was stopped: it reaches for something a template may not "
                "use ({problem}); nothing of it was written"
            ).format(place=_place(root, err, name), problem=err),
            hint=_(
                "templates may use only the fields bti gives them (see templates/README.md); "
                "correct the template, or delete it to use bti's built-in one"
            ),
        ) from None
    except (RecursionError, MemoryError):
        raise InputError(
            _("{place}: the template was stopped: it calls itself without end").format(
                place=_place(root, None, _file(env, name))
            ),
            hint=_("correct the template, or delete it to use bti's built-in one"),
        ) from None
    except Exception as err:  # the template's own fault: a wrong field, a type, a range too big
        raise InputError(
            _("{place}: the template {name} could not be filled in: {problem}").format(
                place=_place(root, err, name), name=name, problem=err
            ),
            hint=_(
                "correct the template in templates/ (a field name may be misspelt), or delete "
                "it to use bti's built-in one"
            ),
        ) from None
    # Never more than one blank line, and exactly one newline at the end.
    lines: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip("\n") + "\n"


def _shown(root: Path | None, filename: str) -> str:
    """A template's file as the user knows it: templates/x.j2 in the repository, or bti's own."""
    path = Path(filename)
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return _("bti's built-in template {name}").format(name=path.name)


def _file(env: BtiSandbox, name: str) -> str:
    """The file the template `name` comes from, for messages (it parsed, or we would not be here)."""
    try:
        return env.get_template(name).filename or name
    except Exception:
        return name


def _place(root: Path | None, err: BaseException | None, name: str) -> str:
    """file:line of the template line that was running when `err` was raised (Jinja rewrites
    its tracebacks so that a frame's file and line are the template's)."""
    import traceback

    if err is not None:
        for frame in reversed(traceback.extract_tb(err.__traceback__)):
            if frame.filename.endswith(".j2") and frame.lineno:
                return f"{_shown(root, frame.filename)}:{frame.lineno}"
    return _shown(root, name) if name.endswith(".j2") and Path(name).is_absolute() else name


# -- tables -------------------------------------------------------------------------------------


def table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: str,
    headings: Mapping[str, str],
    lang: str | None = None,
) -> str:
    """`bti.output.render_rows`, with a table's headings in the person's language (or `lang`, a
    document's): `headings` maps a column to its heading, marked with N_() and translated here.
    JSON and CSV keep the English keys (they are for machines)."""
    from bti.i18n import current, translations
    from bti.output import render_rows

    if fmt != "table":
        return render_rows(rows, columns, fmt)
    tr = translations(lang or current())
    said = {c: tr.gettext(headings[c]) if c in headings else c for c in columns}
    return render_rows(
        [{said[c]: r.get(c) for c in columns} for r in rows], [said[c] for c in columns], fmt
    )


# -- privacy -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """A subject's name and the case it belongs to (the case id may be shown, the name never)."""

    name: str
    case_id: str


def check_document(text: str, what: str, subjects: Sequence[Subject] = ()) -> None:
    """Refuse (BTI505) a document holding a national id, or any of `subjects`' names. `what`
    names the document in the person's language, with its article ('the agenda')."""
    from bti.names import NameIndex
    from bti.rules.privacy import DOCUMENT_LEAK, ids_in

    numbers = ids_in(text)
    if numbers:
        masked = ", ".join(nationalid.mask(n) for n in numbers)
        raise Refused(
            DOCUMENT_LEAK.violation(
                _(
                    "{what} would contain a national id ({masked}); nothing was written — "
                    "remove the number from the case or from what you typed ('bti validate' "
                    "shows where it is in a case)"
                ).format(what=what, masked=masked)
            ).render()
        )
    if not subjects:
        return
    # The same matching as for commit messages: any case, spacing or invisible characters, the
    # surname alone, the genitive.
    cases = sorted({s.case_id for s in subjects if NameIndex.build([s.name]).find(text)})
    if cases:
        raise Refused(
            DOCUMENT_LEAK.violation(
                _(
                    "{what} would name the subject of case {cases}; nothing was written — a team "
                    "document refers to a child by case id only (check the team's name and "
                    "place, what you typed, and your own templates)"
                ).format(what=what, cases=", ".join(cases))
            ).render()
        )


def write_document(path: Path, text: str) -> None:
    from bti import yamlio

    writable(path)
    yamlio.atomic_write(path, text)


def writable(path: Path) -> None:
    """Refuse a target that cannot be written, before anything is written."""
    if path.is_dir():
        raise InputError(
            _("{path} is a folder").format(path=path),
            hint=_("give a file name, e.g. --out agenda.md"),
        )
    if not path.parent.is_dir():
        raise InputError(
            _("the folder {path} does not exist").format(path=path.parent),
            hint=_("create it first, or choose another"),
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
