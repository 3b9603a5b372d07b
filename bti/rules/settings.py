"""BTI009 and BTI6xx: who may change the settings, and what a push may do."""

from __future__ import annotations

from bti.i18n import N_, _
from bti.models import Directory
from bti.rules.core import Violation, declare

SETTINGS_BY_LEADER = declare(
    "BTI009",
    "error",
    N_(
        "settings, templates and schemas are changed only by a leader (anyone adds the first person)"
    ),
    "commit",
)
AUTHOR_UNKNOWN = declare(
    "BTI010", "error", N_("the repository is changed only by someone in people.yaml"), "commit"
)
NON_FAST_FORWARD = declare(
    "BTI601",
    "error",
    N_("a protected branch is never force-pushed (history is not rewritten)"),
    "push",
)
BRANCH_DELETED = declare("BTI602", "error", N_("a protected branch is never deleted"), "push")
PUSHER_NOT_RECEIVER = declare(
    "BTI603",
    "error",
    N_("a handover acceptance is pushed by the receiver (where the server names the pusher)"),
    "push",
)


OCTOPUS = declare(
    "BTI604",
    "error",
    N_("a merge joins more than two histories (octopus merges are refused)"),
    "push",
)
UNRELATED = declare(
    "BTI605",
    "error",
    N_("a merge joins a history that shares no commit with the repository's"),
    "push",
)
SECOND_ROOT = declare(
    "BTI606", "error", N_("a commit without parents after the repository's first commit"), "push"
)
FOREIGN_REF = declare(
    "BTI607", "error", N_("a push to a ref that is not a branch or a tag of a commit"), "push"
)


def settings_change(before: Directory | None, author: str, files: list[str]) -> list[Violation]:
    """A change to people.yaml or bti.yaml made by someone who may not make it."""
    if before is None or not before.people:
        return []  # the bootstrap: while the directory is empty, anyone adds the first person
    person = before.get(author)
    if person is not None and "leader" in person.roles:
        return []
    return [
        SETTINGS_BY_LEADER.violation(
            _(
                "{file} was changed by {author}, who is not a leader — settings, templates and "
                "schemas are a leader's to change; ask a leader ('bti person add', 'bti service "
                "define')"
            ).format(file=name, author=author),
            path=name,
        )
        for name in files
    ]


def author_known(people: Directory, author: str, path: str) -> list[Violation]:
    """Staff outside the directory can read cases but not change them."""
    if people.get(author) is not None:
        return []
    return [
        AUTHOR_UNKNOWN.violation(
            _(
                "{author} is not in people.yaml, so they may not change the case repository — "
                "staff outside the directory can read cases but not change them; a leader adds "
                "people with 'bti person add'"
            ).format(author=author),
            path=path,
        )
    ]
