"""BTI0xx: the file itself — readable YAML, the schema, references to people and services, its name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from bti.models import Case
from bti.rules.core import Context, Finding, declare, state_rule

SYNTAX = declare("BTI001", "error", "the file cannot be read as YAML text", "file")
SCHEMA = declare("BTI002", "error", "a field is missing, unknown or has a wrong value", "file")
STRAY = declare(
    "BTI008",
    "error",
    "a file with no place in a case repository (cases are cases/<id>.yaml; bti.yaml may allow more)",
    "file",
)

NOT_A_FILE = declare(
    "BTI020", "error", "an entry that is not a plain file (a symbolic link, a submodule)", "file"
)
TOO_LARGE = declare(
    "BTI021", "error", "a file larger than the repository allows (rules.max_file_kb)", "file"
)
SETTINGS_REMOVED = declare(
    "BTI022", "error", "bti.yaml or people.yaml is deleted, or the directory emptied", "commit"
)


@state_rule("BTI003", "error", "a person named in the case is not in people.yaml")
def unknown_person(case: Case, ctx: Context) -> Iterator[Finding]:
    def check(email: str | None, loc: tuple[str | int, ...]) -> Iterator[Finding]:
        if email and ctx.people.get(email) is None:
            yield Finding(
                loc,
                f"{email} is not in people.yaml — add them with 'bti person add' "
                "or correct the address",
            )

    yield from check(case.holder, ("holder",))
    yield from check(case.concern.by, ("concern", "by"))
    for i, handover in enumerate(case.handovers):
        if handover.status == "offered":
            yield from check(handover.to, ("handovers", i, "to"))
    for i, measure in enumerate(case.measures):
        if not measure.ended:
            yield from check(measure.responsible, ("measures", i, "responsible"))


@state_rule("BTI004", "error", "a service named in the case is not defined in bti.yaml")
def unknown_service(case: Case, ctx: Context) -> Iterator[Finding]:
    known = {s.id for s in ctx.config.services}
    hint = "define it with 'bti service define' or use one of: " + ", ".join(sorted(known))

    def check(service: str, loc: tuple[str | int, ...]) -> Iterator[Finding]:
        if service not in known:
            yield Finding(loc, f"unknown service '{service}' — {hint}")

    yield from check(case.owner_service, ("owner_service",))
    for i, service in enumerate(case.services):
        yield from check(service, ("services", i))
    for i, consent in enumerate(case.consents):
        for j, service in enumerate(consent.services):
            yield from check(service, ("consents", i, "services", j))
    for i, measure in enumerate(case.measures):
        yield from check(measure.service, ("measures", i, "service"))


@state_rule("BTI005", "error", "the file name is not the case id")
def name_is_id(case: Case, ctx: Context) -> Iterator[Finding]:
    if ctx.path and PurePosixPath(ctx.path).name != f"{case.id}.yaml":
        yield Finding(
            ("id",),
            f"the file is named {PurePosixPath(ctx.path).name} but holds case "
            f"{case.id} — a case file is named <id>.yaml; never rename a case",
        )


@state_rule("BTI006", "error", "two records in one list share an id")
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
                    f"{name} has more than one record with id "
                    f"{record_id} — give this one the next free id",
                )
            seen.add(record_id)
    for i, service in enumerate(case.services):
        if service in case.services[:i]:
            yield Finding(("services", i), f"service '{service}' is listed twice — remove one")
