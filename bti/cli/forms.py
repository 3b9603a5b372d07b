"""Forms for the family and the archive: the consent form (samtykkeskjema) to print and sign. The
form is checked by the privacy rules before anything is written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from bti.cli.base import DATE, split_list
from bti.cli.collaboration import consent
from bti.i18n import _

LANGS = click.Choice(["nb", "nn", "en"])


@consent.command("form")
@click.argument("case_id")
@click.option(
    "--services",
    default=None,
    help="Comma-separated service ids that would share (default: the case's services).",
)
@click.option("--purpose", default=None, help="What the information would be shared for.")
@click.option(
    "--expires",
    type=DATE,
    default=None,
    help="Last day the consent would be valid (default: a line for the family to fill in).",
)
@click.option("--lang", type=LANGS, default=None, help="Language (default: bti.yaml).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of stdout.",
)
def consent_form(
    case_id: str,
    services: str | None,
    purpose: str | None,
    expires: dt.date | None,
    lang: str | None,
    out: Path | None,
) -> None:
    """A pre-filled consent form to print and sign: the child, the services and what for, until
    when, who signs, and that consent is voluntary and can be withdrawn. Never a national id.
    Record the signed form with 'bti consent add … --form FILE'."""
    from bti.consentform import consent_form as form
    from bti.render import writable, write_document

    if out is not None:
        writable(out)
    text = form(
        case_id,
        services=split_list(services) if services else None,
        purpose=purpose,
        expires=expires,
        lang=lang,
    )
    if out is not None:
        write_document(out, text)
        click.echo(_("wrote {path}").format(path=out), err=True)
    else:
        click.echo(text, nl=False)
