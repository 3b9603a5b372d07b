"""BTI0xx: the file itself — readable YAML, the schema, references to people and services, its name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from bti.i18n import N_, _
from bti.models import Case
from bti.rules.core import Context, Finding, declare, state_rule

SYNTAX = declare("BTI001", "error", N_("the file cannot be read as YAML text"), "file")
SCHEMA = declare("BTI002", "error", N_("a field is missing, unknown or has a wrong value"), "file")
STRAY = declare(
    "BTI008",
    "error",
    N_(
        "a file with no place in a case repository (cases are cases/<id>.yaml; bti.yaml may allow more)"
    ),
    "file",
)

NOT_A_FILE = declare(
    "BTI020",
    "error",
    N_("an entry that is not a plain file (a symbolic link, a submodule)"),
    "file",
)
TOO_LARGE = declare(
    "BTI021", "error", N_("a file larger than the repository allows (rules.max_file_kb)"), "file"
)
SETTINGS_REMOVED = declare(
    "BTI022", "error", N_("bti.yaml or people.yaml is deleted, or the directory emptied"), "commit"
)


@state_rule("BTI003", "error", N_("a person named in the case is not in people.yaml"))
def unknown_person(case: Case, ctx: Context) -> Iterator[Finding]:
    def check(email: str | None, loc: tuple[str | int, ...]) -> Iterator[Finding]:
        if email and ctx.people.get(email) is None:
            yield Finding(
                loc,
                _(
                    "{email} is not in people.yaml — add them with 'bti person add' or correct "
                    "the address"
                ).format(email=email),
            )

    yield from check(case.holder, ("holder",))
    yield from check(case.concern.by, ("concern", "by"))
    for i, handover in enumerate(case.handovers):
        if handover.status == "offered":
            yield from check(handover.to, ("handovers", i, "to"))
    for i, measure in enumerate(case.measures):
        if not measure.ended:
            yield from check(measure.responsible, ("measures", i, "responsible"))


@state_rule("BTI004", "error", N_("a service named in the case is not defined in bti.yaml"))
def unknown_service(case: Case, ctx: Context) -> Iterator[Finding]:
    known = {s.id for s in ctx.config.services}
    shown = ", ".join(sorted(known))

    def check(service: str, loc: tuple[str | int, ...]) -> Iterator[Finding]:
        if service not in known:
            yield Finding(
                loc,
                _(
                    "unknown service '{service}' — define it with 'bti service define' or use "
                    "one of: {known}"
                ).format(service=service, known=shown),
            )

    yield from check(case.owner_service, ("owner_service",))
    for i, service in enumerate(case.services):
        yield from check(service, ("services", i))
    for i, consent in enumerate(case.consents):
        for j, service in enumerate(consent.services):
            yield from check(service, ("consents", i, "services", j))
    for i, measure in enumerate(case.measures):
        yield from check(measure.service, ("measures", i, "service"))


@state_rule("BTI005", "error", N_("the file name is not the case id"))
def name_is_id(case: Case, ctx: Context) -> Iterator[Finding]:
    if ctx.path and PurePosixPath(ctx.path).name != f"{case.id}.yaml":
        yield Finding(
            ("id",),
            _(
                "the file is named {name} but holds case {id} — a case file is named <id>.yaml; "
                "never rename a case"
            ).format(name=PurePosixPath(ctx.path).name, id=case.id),
        )


@state_rule("BTI006", "error", N_("two records in one list share an id"))
def unique_ids(case: Case, ctx: Context) -> Iterator[Finding]:
    for name, records in (
        ("consents", case.consents),
        ("handovers", case.handovers),
        ("measures", case.measures),
        ("meetings", case.meetings),
    ):
        seen: set[str] = set()
        for i, record in enumerate(records):
            record_id = str(getattr(record, "id", ""))
            if record_id in seen:
                yield Finding(
                    (name, i, "id"),
                    _(
                        "{records} has more than one record with id {id} — give this one the "
                        "next free id"
                    ).format(records=name, id=record_id),
                )
            seen.add(record_id)
    for i, service in enumerate(case.services):
        if service in case.services[:i]:
            yield Finding(
                ("services", i),
                _("service '{service}' is listed twice — remove one").format(service=service),
            )
