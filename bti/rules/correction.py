"""BTI305–BTI306: who the case is about, who the guardians are and which service owns the case
change only by a correction.

These facts decide everything else: a child's age and kind decide whether the child consents, the
guardians' parental responsibility decides whether they do, and the owner service decides who reads
the case at level 0. An edit of them that looks like any other edit is refused; a correction is the
same change plus a log entry with `event: corrected`, the fields it changes (`corrects`) and the
reason, made by someone who may correct. Adding a guardian stays an ordinary change
('bti guardian add'): it is a new record, and BTI108 sees to it that it gives no consent authority
after the fact.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from bti.i18n import N_, _
from bti.models import Case, Directory, Entry, Guardian
from bti.rules.core import Context, Finding, Loc, change_rule
from bti.rules.holder import holder_or_leader

SUBJECT_FIELDS = ("name", "born", "kind", "national_id")
GUARDIAN_FIELDS = ("name", "relation", "responsibility")
CORRECTED = "corrected"


def may_correct(case: Case, who: str | None, people: Directory) -> bool:
    """The holder, or a leader of the holder's service (issue 11's table: corrections go with
    the other coordinating actions). While no holder is named (an unheld case at level 0) a
    leader of the owner service stands in, as the "nearest leader" the concern was shared with.
    DESIGN §8 says "leaders appoint and correct"; a leader of any other service, or any other
    staff member, may write entries but may not change whom the case is about."""
    return holder_or_leader(case, who, people)


def _guardian_changes(old: Sequence[Guardian], new: Sequence[Guardian]) -> list[str]:
    """Guardians edited or removed, as correction fields numbered from 1 as in `before`. Guardians
    appended at the end are additions, which need no correction."""
    found: list[str] = []
    spare = max(0, len(old) - len(new))  # how many must have been removed
    j = 0
    for i, guardian in enumerate(old, start=1):
        if j < len(new) and new[j] == guardian:
            j += 1
            continue
        if spare and (j >= len(new) or new[j].name != guardian.name):
            found.append(f"guardian.{i}")
            spare -= 1
            continue
        if j < len(new):
            found += [
                f"guardian.{i}.{field}"
                for field in GUARDIAN_FIELDS
                if getattr(guardian, field) != getattr(new[j], field)
            ]
            j += 1
    return found


def changed_fields(before: Case, after: Case) -> list[str]:
    """The fields a change to a case alters that only a correction may alter, by their names in a
    correction entry's `corrects`: subject.born, owner_service, guardian.2.relation, guardian.2
    (removed)."""
    found = [
        f"subject.{field}"
        for field in SUBJECT_FIELDS
        if getattr(before.subject, field) != getattr(after.subject, field)
    ]
    if before.owner_service != after.owner_service:
        found.append("owner_service")
    return found + _guardian_changes(before.guardians, after.guardians)


def new_corrections(before: Case, after: Case, author: str | None) -> list[Entry]:
    """The correction entries this change appends, written by the person making the change."""
    if after.log[: len(before.log)] != before.log:
        return []  # earlier entries were edited: BTI301 says so
    return [
        e
        for e in after.log[len(before.log) :]
        if e.event == CORRECTED and e.corrects and (author is None or e.author == author)
    ]


def _loc(field: str, after: Case) -> Loc:
    parts = field.split(".")
    if parts[0] == "subject":
        return ("subject", parts[1])
    if parts[0] == "owner_service":
        return ("owner_service",)
    index = int(parts[1]) - 1
    if len(parts) == 3 and index < len(after.guardians):
        return ("guardians", index, parts[2])
    return ("guardians",)


@change_rule(
    "BTI305",
    "error",
    N_("the subject, a guardian or the owner service was changed without a logged correction"),
)
def corrected_only(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if before is None or after is None:
        return  # a new case sets the subject; a deleted one is BTI302's
    changed = changed_fields(before, after)
    if not changed:
        return
    listed = {f for e in new_corrections(before, after, ctx.author) for f in e.corrects or ()}
    for field in changed:
        if field in listed:
            continue
        if field.count(".") == 1 and field.startswith("guardian."):
            yield Finding(
                ("guardians",),
                _(
                    "guardian {number} was removed without a correction — use 'bti guardian "
                    "remove ID NAME --reason …', which logs who removed them and why"
                ).format(number=field.split(".")[1]),
            )
        else:
            yield Finding(
                _loc(field, after),
                _(
                    "{field} was changed without a correction — use 'bti case correct ID --field "
                    "{field} --value … --reason …', which logs who corrected it and why"
                ).format(field=field),
            )


@change_rule(
    "BTI306",
    "error",
    N_("a correction is made only by the holder or a leader of the holder's service"),
)
def corrected_by(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if before is None or after is None:
        return
    changed = changed_fields(before, after)
    if not changed or may_correct(before, ctx.author, ctx.people):
        return
    fields = ", ".join(changed)
    if before.holder:
        message = _(
            "{author} is neither the holder nor a leader of the holder's service, and cannot "
            "correct {fields} — ask the holder ({holder}) or a leader to make the correction"
        )
    else:
        message = _(
            "{author} is neither the holder nor a leader of the holder's service, and cannot "
            "correct {fields} — ask the holder or a leader to make the correction"
        )
    author = ctx.author or _("an unknown author")
    yield Finding(
        _loc(changed[0], after),
        message.format(author=author, fields=fields, holder=before.holder),
    )
