"""The shape of a commit: how many parents, and whether they share a past.

A case repository has one history. A merge of more than two parents is refused (nothing a person
does in bti makes one, and judging it by meaning is not defined); a merge with a history that shares
no commit with this one would bring in another repository's cases, directory and settings wholesale;
a commit without parents after the first one starts such a history.
"""

from __future__ import annotations

from pathlib import Path

from bti import gitrepo
from bti.i18n import _
from bti.rules import Violation
from bti.rules.settings import OCTOPUS, SECOND_ROOT, UNRELATED


def shape_problems(
    root: Path, commit: gitrepo.Commit, *, first_root_allowed: bool
) -> list[Violation]:
    parents = commit.parents
    if len(parents) > 2:
        return [
            OCTOPUS.violation(
                _(
                    "the merge joins {n} histories — merge one branch at a time ('bti sync' does)"
                ).format(n=len(parents))
            )
        ]
    if len(parents) == 2 and gitrepo.merge_base(root, *parents) is None:
        return [
            UNRELATED.violation(
                _(
                    "the merge joins a history that shares no commit with this repository — "
                    "another repository's cases and settings cannot be merged in; add cases with "
                    "'bti case new'"
                )
            )
        ]
    if not parents and not first_root_allowed:
        return [
            SECOND_ROOT.violation(
                _(
                    "the commit has no parent, but the repository already has its first commit — "
                    "start from the repository's history ('bti clone'), never from an empty one"
                )
            )
        ]
    return []
