"""BTI110–BTI119: the signed consent form (samtykkeskjema). Where bti.yaml says
`rules.consent_form: required`, every consent recorded from then on keeps a reference to its signed
form (the file's SHA-256 and name — never the file, see bti.consentform). Consents recorded before
the setting stay as they were: the rule judges the consents a change adds."""

from __future__ import annotations

from collections.abc import Iterator

from bti.i18n import N_, _
from bti.models import Case
from bti.rules.core import Context, Finding, change_rule


@change_rule(
    "BTI110",
    "error",
    N_("a consent is recorded without its signed form where bti.yaml requires the form"),
)
def form_on_file(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if after is None or ctx.config.rules.consent_form != "required":
        return
    earlier = {c.id for c in before.consents} if before is not None else set()
    for i, consent in enumerate(after.consents):
        if consent.id in earlier or consent.form is not None:
            continue
        yield Finding(
            ("consents", i),
            _(
                "consent {id} has no signed form on file, and bti.yaml requires one "
                "(rules.consent_form: required) — print the form with 'bti consent form', have "
                "it signed, and record the consent with 'bti consent add … --form FILE'"
            ).format(id=consent.id),
        )
