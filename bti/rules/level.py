"""BTI4xx: the level (nivå 0–3) matches the collaboration, and every change of level has a reason."""

from __future__ import annotations

from collections.abc import Iterator

from bti.i18n import N_, _, ngettext
from bti.models import Case
from bti.rules.core import Context, Finding, change_rule, state_rule


@change_rule("BTI401", "error", N_("a level change carries a log entry with the reason"))
def level_change_reason(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if before is None or after is None or before.level == after.level:
        return
    if len(after.log) <= len(before.log):
        yield Finding(
            ("level",),
            _(
                "level changed from {old} to {new} without a reason — use 'bti level set ID N "
                "--reason …'"
            ).format(old=before.level, new=after.level),
        )


@state_rule("BTI402", "error", N_("level 2 involves at least 2 services"))
def level2_services(case: Case, ctx: Context) -> Iterator[Finding]:
    if case.status == "open" and case.level == 2 and len(set(case.services)) < 2:
        yield Finding(
            ("level",),
            ngettext(
                "level 2 is collaboration between services, but only {n} is involved — add a "
                "service with 'bti service add' or choose level 1",
                "level 2 is collaboration between services, but only {n} are involved — add a "
                "service with 'bti service add' or choose level 1",
                len(set(case.services)),
            ).format(n=len(set(case.services))),
        )


@state_rule("BTI403", "error", N_("level 3 involves at least 3 services, or an external one"))
def level3_services(case: Case, ctx: Context) -> Iterator[Finding]:
    if case.status != "open" or case.level != 3:
        return
    services = set(case.services)
    external = any((s := ctx.config.service(i)) is not None and s.external for i in services)
    if len(services) < 3 and not external:
        yield Finding(
            ("level",),
            _(
                "level 3 is extensive collaboration: at least 3 services or an external one (BUP, "
                "specialist health) — add services or choose level 2"
            ),
        )


@state_rule(
    "BTI404",
    "error",
    N_("a measure at level 1 or higher has a responsible person and an evaluate-by date"),
)
def measures_complete(case: Case, ctx: Context) -> Iterator[Finding]:
    if case.status != "open" or case.level < 1:
        return
    for i, measure in enumerate(case.measures):
        if measure.ended:
            continue
        if measure.responsible is None:
            yield Finding(
                ("measures", i),
                _("measure {id} has no responsible person — name one (responsible: email)").format(
                    id=measure.id
                ),
            )
        if measure.due is None:
            yield Finding(
                ("measures", i),
                _(
                    "measure {id} has no evaluate-by date — set one (evaluate_by: YYYY-MM-DD)"
                ).format(id=measure.id),
            )
