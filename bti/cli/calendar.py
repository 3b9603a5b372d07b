"""bti calendar: the årshjul of recurring meetings."""

from __future__ import annotations

import click

from bti.cli.base import main
from bti.i18n import _, ngettext


@main.group()
def calendar() -> None:
    """The årshjul: the year's recurring meetings, from a template."""


@calendar.command()
@click.option("--year", type=click.IntRange(1950, 2200), help="A calendar year, January–December.")
@click.option(
    "--school-year",
    type=click.IntRange(1950, 2200),
    help="A school year, August of this year to June of the next.",
)
@click.option(
    "--from",
    "source",
    type=click.Path(dir_okay=False),
    help="The template. Default: templates/arshjul.yaml of this case repository.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "csv", "json", "ics", "svg"]),
    default="md",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--out", type=click.Path(dir_okay=False), help="Write to this file instead of stdout."
)
@click.option(
    "--lang",
    type=click.Choice(["nb", "nn", "en"]),
    help="Language of dates, headings and notes. Default: bti.yaml's language, else nb.",
)
def generate(
    year: int | None,
    school_year: int | None,
    source: str | None,
    fmt: str,
    out: str | None,
    lang: str | None,
) -> None:
    """Turn the årshjul template into dated meetings.

    Meetings that fall on a public holiday, a weekend or in a break move to the next working day,
    and the output says from where and why. Without --year or --school-year: the current year of
    the template's kind (school or calendar).

    \b
    The rules a meeting's `when:` can have in the template:
      {date: 2027-01-04}  or  {date: "12-01"}       one day, or that day every year
      {nth_weekday: {n: 1, weekday: thursday}, months: [9, 10, 11]}
                                                    n-th weekday of a month (n: -1 is the last)
      {every: {weeks: 4, weekday: wednesday, start: 2026-08-19}}
      {every: {months: 2, start: 2026-08-31}}       every N weeks or months from a start
      {times_per_year: 2, weekday: tuesday}         K times, spread over the year (not in July)
      {iso_week: 9, weekday: monday}                a day in ISO week N
      {easter: -4}                                  days from Easter Sunday (-4: the Wednesday)
      {month: 10, weekday: tuesday}                 once a year: the first such day of the month
      {rrule: "FREQ=MONTHLY;BYDAY=-1FR"}            an RFC 5545 RRULE
    A meeting may also have participants, responsible, purpose, place, time ("09:00") and
    minutes (a time makes the .ics events timed, in Europe/Oslo, instead of all-day).
    """
    from pathlib import Path

    from bti import calendar as cal
    from bti.calendar.outputs import reason_text
    from bti.clock import now
    from bti.errors import InputError
    from bti.i18n import current
    from bti.yamlio import atomic_write

    if year is not None and school_year is not None:
        raise InputError(
            _("give --year or --school-year, not both"),
            hint=_("--year 2027 is January–December; --school-year 2026 is August 2026–June 2027"),
        )
    here = Path.cwd()
    path = Path(source) if source else cal.default_template(here)
    template = cal.read(path, source or str(path))
    language = lang or cal.repository_language(here) or "nb"
    stamp = now()
    period = cal.period_for(template, year, school_year, stamp.date())
    meetings, days = cal.generate(template, period)
    text = cal.render(template, period, meetings, fmt, language, stamp)
    if out:
        atomic_write(Path(out), text)
    else:
        click.echo(text, nl=False)
    first, last = f"{period.first:%Y-%m-%d}", f"{period.last:%Y-%m-%d}"
    used = {m.index for m in meetings}
    for index, series in enumerate(template.series):
        if index not in used:
            click.echo(
                _("note: '{name}' has no meeting from {first} to {last}; check its rule").format(
                    name=series.name, first=first, last=last
                ),
                err=True,
            )
    # Notes are said in the person's language; the names are the template's own.
    for series, day, reason in days.dropped:
        click.echo(
            _(
                "note: '{name}' on {day} ({reason}) is left out: the next free day already has "
                "one, or there is none before the period ends"
            ).format(name=series.name, day=day, reason=reason_text(reason, current())),
            err=True,
        )
    if out:
        click.echo(
            ngettext(
                "wrote {n} meeting ({first} to {last}) to {out}",
                "wrote {n} meetings ({first} to {last}) to {out}",
                len(meetings),
            ).format(n=len(meetings), first=first, last=last, out=out),
            err=True,
        )
