"""Årshjul: a template -> dated meetings -> a table, CSV, JSON, iCalendar or an SVG wheel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bti.calendar.rules import Period
from bti.calendar.schedule import Meeting, generate
from bti.calendar.template import Template, read
from bti.errors import InputError
from bti.i18n import _

__all__ = [
    "Meeting",
    "Period",
    "Template",
    "default_template",
    "find_root",
    "generate",
    "period_for",
    "read",
    "render",
]

TEMPLATE = Path("templates") / "arshjul.yaml"


def period_for(
    template: Template, year: int | None, school_year: int | None, today: dt.date
) -> Period:
    """--year or --school-year if given; otherwise the template's kind of year that holds today."""
    if year is not None:
        return Period.calendar(year)
    if school_year is not None:
        return Period.school(school_year)
    if template.year == "calendar":
        return Period.calendar(today.year)
    return Period.school(today.year if today.month >= 8 else today.year - 1)


def find_root(start: Path) -> Path | None:
    """The case repository holding `start`: the nearest folder upwards with a bti.yaml."""
    for folder in (start, *start.parents):
        if (folder / "bti.yaml").is_file():
            return folder
    return None


def default_template(start: Path) -> Path:
    root = find_root(start.resolve())
    if root is None:
        raise InputError(
            _(
                "no bti.yaml in {folder} or any folder above it, so there is no repository "
                "årshjul to use"
            ).format(folder=start),
            hint=_(
                "pass the template with --from FILE, e.g. --from templates/arshjul.yaml, or run "
                "this inside a case repository made by 'bti init'"
            ),
        )
    path = root / TEMPLATE
    if not path.is_file():
        raise InputError(
            _("the repository {root} has no {path}").format(root=root, path=TEMPLATE),
            hint=_(
                "copy bti's årshjul template there (the one 'bti init' gives a new "
                "repository), or pass --from FILE"
            ),
        )
    return path


def repository_language(start: Path) -> str | None:
    """The document language of the case repository (bti.yaml `language`), if it names one."""
    from bti import yamlio

    root = find_root(start.resolve())
    if root is None:
        return None
    data = yamlio.load(yamlio.read_text(root / "bti.yaml"), str(root / "bti.yaml"))
    lang = data.get("language") if isinstance(data, dict) else None
    return lang if lang in ("nb", "nn", "en") else None


def render(
    template: Template,
    period: Period,
    meetings: list[Meeting],
    fmt: str,
    lang: str,
    stamp: dt.datetime,
) -> str:
    from bti.calendar import outputs

    if fmt == "json":
        return outputs.to_json(meetings, lang)
    if fmt == "csv":
        return outputs.to_csv(meetings, lang)
    if fmt == "ics":
        return outputs.to_ics(template, period, meetings, lang, stamp)
    if fmt == "svg":
        from bti.calendar.svg import wheel

        return wheel(template, period, meetings, lang)
    return outputs.to_markdown(template, period, meetings, lang)
