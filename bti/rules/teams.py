"""BTI73x: a case reported to a team (TOT, ressursteam) is discussed there by id, so the report
needs a valid consent that covers every service of the team (seed 004)."""

from __future__ import annotations

from collections.abc import Iterator

from bti.i18n import N_, _
from bti.models import Case
from bti.rules.consent import covering
from bti.rules.core import Context, Finding, change_rule


@change_rule(
    "BTI730",
    "error",
    N_("a case is reported to a team only with a valid consent covering all the team's services"),
)
def referral_consented(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if after is None:
        return
    known = len(before.referrals or []) if before is not None else 0
    covered = {s for c in covering(after, ctx, honour_expiry=True) for s in c.services}
    for i, referral in enumerate((after.referrals or [])[known:], start=known):
        team = ctx.config.team(referral.team)
        if team is None:
            yield Finding(
                ("referrals", i, "team"),
                _("there is no team '{team}' in bti.yaml to report the case to").format(
                    team=referral.team
                ),
            )
            continue
        missing = [s for s in team.services if s not in covered]
        if missing:
            yield Finding(
                ("referrals", i),
                _(
                    "the case is reported to {team} without a valid consent for {services} — "
                    "record a consent that covers all the team's services first ('bti consent add')"
                ).format(team=team.name, services=", ".join(missing)),
            )


@change_rule(
    "BTI731",
    "error",
    N_("a case's reports to teams are a record: none is changed or removed"),
)
def referrals_kept(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if before is None or after is None or not before.referrals:
        return
    now = after.referrals or []
    if now[: len(before.referrals)] != before.referrals:
        yield Finding(
            ("referrals",),
            _(
                "a report of the case to a team was changed or removed — the reports are a "
                "record; restore them as they were"
            ),
        )
