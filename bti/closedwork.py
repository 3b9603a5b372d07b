"""New work in a case that the other side closed: what `git merge` must not combine silently.

One clone closes a case and syncs; another adds a log entry or a measure to it and syncs. Merged by
meaning, the case would be closed with new work inside, and nobody told. So the merge calls it a
conflict (bti.merge), `bti sync` explains it, and the judge measures a merge commit against the side
that closed it: records added to a closed case are refused (BTI303), and a merge that keeps them must
reopen the case with a reason (BTI303, by someone who may reopen it: BTI214).
"""

from __future__ import annotations

from typing import Any, Literal

Side = Literal["ours", "theirs"]
RECORDS = ("log", "consents", "handovers", "measures", "meetings", "guardians")


def _records(data: dict[str, Any]) -> int:
    """How many records a version holds (every list entry and every evaluation of a measure)."""
    count = 0
    for name in RECORDS:
        items = data.get(name)
        if isinstance(items, list):
            count += len(items)
    for item in data.get("measures") or []:
        if isinstance(item, dict) and isinstance(item.get("evaluations"), list):
            count += len(item["evaluations"])
    return count


def closing_side(base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]) -> Side | None:
    """The side that closed the case while the other side, leaving it open, added records to it;
    None when that is not what happened."""
    if not base or base.get("status", "open") != "open":
        return None
    sides: tuple[tuple[Side, dict[str, Any], dict[str, Any]], ...] = (
        ("ours", ours, theirs),
        ("theirs", theirs, ours),
    )
    for name, closer, other in sides:
        if (
            closer.get("status") == "closed"
            and other.get("status", "open") == "open"
            and _records(other) > _records(base)
        ):
            return name
    return None
