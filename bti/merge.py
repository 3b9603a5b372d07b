"""Merging two versions of a case file by meaning: what `git merge` calls for cases/*.yaml.

Histories are append-only, so two people who each add to the same case never disagree about the
past: the merged log, consents, handovers, measures (with their evaluations) and meetings are the
union of both sides, each record once, in time order. A field changed on one side only takes that
side's value. The same field changed differently on both sides (holder, level, status, services …)
is a real conflict: the merge keeps your value, lists both in a `merge_conflict:` block at the top of
the file (which `bti validate` refuses until a person has chosen), and reports it — never silently.

Two records made at once on both sides may get the same id (c3 here, c3 on the server). The one on
the side being merged into — in `bti sync` your own, not yet shared work — gets the next free id,
and your new log entries that name it follow; ids already on the server never change.

The merged file is written by bti.mergefile, with the round trip on your version's text.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bti import yamlio
from bti.closedwork import Side, closing_side
from bti.errors import FileProblem
from bti.i18n import N_, _

RECORDS = {"consents": "c", "handovers": "h", "measures": "m", "meetings": "mt"}
TIMES = {
    "consents": "given",
    "handovers": "offered",
    "measures": "start",
    "meetings": "date",
    "guardians": "",
    "log": "time",
    "evaluations": "date",
}
# A record of yours renumbered because the other side made one with the same id: what is said,
# when the other side is the server and when it is not, by the id's prefix.
RENUMBERED = {
    "c": (
        N_(
            "your new consent {old} is now {new} (another consent {old} was made on the server at "
            "the same time)"
        ),
        N_(
            "your new consent {old} is now {new} (another consent {old} was made on the other "
            "side at the same time)"
        ),
    ),
    "h": (
        N_(
            "your new handover {old} is now {new} (another handover {old} was made on the server "
            "at the same time)"
        ),
        N_(
            "your new handover {old} is now {new} (another handover {old} was made on the other "
            "side at the same time)"
        ),
    ),
    "m": (
        N_(
            "your new measure {old} is now {new} (another measure {old} was made on the server at "
            "the same time)"
        ),
        N_(
            "your new measure {old} is now {new} (another measure {old} was made on the other "
            "side at the same time)"
        ),
    ),
    "mt": (
        N_(
            "your new meeting {old} is now {new} (another meeting {old} was made on the server at "
            "the same time)"
        ),
        N_(
            "your new meeting {old} is now {new} (another meeting {old} was made on the other "
            "side at the same time)"
        ),
    ),
    "": (
        N_(
            "your new record {old} is now {new} (another record {old} was made on the server at "
            "the same time)"
        ),
        N_(
            "your new record {old} is now {new} (another record {old} was made on the other side "
            "at the same time)"
        ),
    ),
}
CONFLICT_KEY = "merge_conflict"
Loc = tuple[str, ...]
Take = Mapping[Loc, Side]  # the side a person chose for a field in conflict (bti sync --take)


class _Missing:
    def __repr__(self) -> str:
        return "(missing)"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Conflict:
    """One field changed differently on both sides. `loc` names records by id (or guardian name)."""

    loc: Loc
    base: Any
    ours: Any
    theirs: Any
    closed_by: Side | None = None  # "ours" | "theirs": closed there, new records on the other side

    @property
    def label(self) -> str:
        """The field as `bti sync --take` names it: a dotted path (measures.m2.responsible)."""
        return label(self.loc)


@dataclass
class Merged:
    """The merged data (your value where a field is in conflict) and what the merge found."""

    data: dict[str, Any]
    conflicts: list[Conflict] = field(default_factory=list)
    renumbered: dict[str, str] = field(default_factory=dict)  # your new record ids → new ids
    plans: dict[str, list[tuple[int | None, Any]]] = field(default_factory=dict)


@dataclass
class MergeResult:
    """What the merge driver writes, and what it tells the person."""

    text: str
    case_id: str
    conflicts: list[Conflict] = field(default_factory=list)
    renumbered: dict[str, str] = field(default_factory=dict)
    problem: str | None = None  # the versions could not be merged by meaning at all

    @property
    def clean(self) -> bool:
        return not self.conflicts and self.problem is None

    def messages(self, path: str, incoming: str = "incoming") -> list[str]:
        """What the merge found, one line each. `incoming`: "on the server" when the other side
        is the server (bti sync), else the other side is named as incoming (git's merge)."""
        if self.problem:
            return [f"{path}: {self.problem}"]
        server = incoming == "on the server"
        lines = []
        for c in self.conflicts:
            if c.closed_by:
                said = closed_note(self.case_id, c.closed_by, server)
            elif server:
                said = _(
                    "{field} was changed on both sides — yours: {yours}; on the server: {theirs}"
                ).format(field=c.label, yours=show(c.ours), theirs=show(c.theirs))
            else:
                said = _(
                    "{field} was changed on both sides — yours: {yours}; incoming: {theirs}"
                ).format(field=c.label, yours=show(c.ours), theirs=show(c.theirs))
            lines.append(
                _("{path}: case {case}: {said}").format(path=path, case=self.case_id, said=said)
            )
        for old, new in self.renumbered.items():
            on_server, elsewhere = RENUMBERED.get(old.rstrip("0123456789"), RENUMBERED[""])
            said = _(on_server if server else elsewhere).format(old=old, new=new)
            lines.append(
                _("{path}: case {case}: {said}").format(path=path, case=self.case_id, said=said)
            )
        return lines


def closed_note(case_id: str, closer: Side, server: bool) -> str:
    """New work in a case the other side closed (bti.closedwork): what happened, and the two
    ways on."""
    if closer == "ours" and server:
        said = _("the case was closed by you while new records were added on the server")
    elif closer == "ours":
        said = _("the case was closed by you while new records were added on the other side")
    elif server:
        said = _("the case was closed on the server while new records were added by you")
    else:
        said = _("the case was closed on the other side while new records were added by you")
    advice = _(
        "to keep them, set 'status: open' in the file, remove the merge_conflict block, add a log "
        "entry with the reason for reopening the case, and run 'bti sync --continue' (the holder "
        "or a leader reopens: 'bti case reopen {case}' says who); to keep it closed, drop the new "
        "records ('bti sync --abort', then ask the holder)"
    ).format(case=case_id)
    return _("{what} — {advice}").format(what=said, advice=advice)


def label(loc: Sequence[str]) -> str:
    """A field in conflict as a dotted path, the form `bti sync --take` takes: holder,
    measures.m2.responsible, guardians.Mia Lund.relation."""
    return ".".join(loc)


def show(value: Any) -> str:
    if value is MISSING:
        return _("(not there)")
    if value is None:
        return _("(empty)")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


# -- reading ------------------------------------------------------------------------------------


def read(text: str | None, path: str) -> dict[str, Any]:
    """A version as plain data; an empty or missing version is an empty case. Raises FileProblem."""
    if text is None or not text.strip():
        return {}
    data = yamlio.load(text, path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FileProblem(path, 1, 1, _("is not a mapping of fields, so it cannot be merged"))
    return data


# -- merging data ---------------------------------------------------------------------------------


def _time_key(item: Any, name: str) -> tuple[int, Any]:
    value = item.get(TIMES.get(name, "")) if isinstance(item, dict) else None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return (0, value)
    if isinstance(value, dt.date):
        return (0, dt.datetime.combine(value, dt.time.min))
    return (1, str(value))


def content_key(item: Any) -> str:
    """An entry's identity: its whole content (a log entry is time, author, kind, text)."""
    if isinstance(item, dict) and "kind" not in item and "text" in item:
        item = {**item, "kind": "note"}
    return json.dumps(item, sort_keys=True, default=str, ensure_ascii=False)


def record_ident(item: Any, name: str) -> str | None:
    if not isinstance(item, dict):
        return None
    value = item.get("name" if name == "guardians" else "id")
    return str(value) if value is not None else None


def _interleave(
    ours: list[tuple[int | None, Any]], extra: list[Any], name: str
) -> list[tuple[int | None, Any]]:
    """Your items in your order, the other side's extra items each placed before the first of
    yours that is later in time (ties: yours first). Two time-ordered lists stay time-ordered."""
    out: list[tuple[int | None, Any]] = []
    j = 0
    for pair in ours:
        while j < len(extra) and _time_key(extra[j], name) < _time_key(pair[1], name):
            out.append((None, extra[j]))
            j += 1
        out.append(pair)
    out.extend((None, item) for item in extra[j:])
    return out


def _union_entries(ours: list[Any], theirs: list[Any], name: str) -> list[tuple[int | None, Any]]:
    """Entries without ids (log, evaluations): the same content on both sides is one entry."""
    mine = Counter(content_key(item) for item in ours)
    extra = []
    for item in theirs:
        key = content_key(item)
        if mine[key] > 0:
            mine[key] -= 1
        else:
            extra.append(item)
    mine_pairs: list[tuple[int | None, Any]] = [(i, item) for i, item in enumerate(ours)]
    return _interleave(mine_pairs, extra, name)


class _Merger:
    def __init__(self, take: Take | None = None) -> None:
        self.take = take or {}
        self.conflicts: list[Conflict] = []
        self.collisions: list[tuple[str, int]] = []  # (list name, index in yours)

    def value(self, loc: Loc, base: Any, ours: Any, theirs: Any) -> Any:
        if ours == theirs:
            return ours
        if ours == base:
            return theirs
        if theirs == base:
            return ours
        name = loc[-1]
        if name in ("log", "evaluations") and isinstance(ours, list) and isinstance(theirs, list):
            return [item for _, item in _union_entries(ours, theirs, name)]
        if isinstance(ours, dict) and isinstance(theirs, dict):
            return self.mapping(loc, base if isinstance(base, dict) else {}, ours, theirs)
        side = self.take.get(loc)
        if side is not None:
            return theirs if side == "theirs" else ours
        self.conflicts.append(Conflict(loc, base, ours, theirs))
        return ours

    def mapping(
        self, loc: Loc, base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in [*ours, *(k for k in theirs if k not in ours)]:
            value = self.value(
                (*loc, str(key)),
                base.get(key, MISSING),
                ours.get(key, MISSING),
                theirs.get(key, MISSING),
            )
            if value is not MISSING:
                out[key] = value
        return out

    def records(
        self, name: str, base: list[Any], ours: list[Any], theirs: list[Any]
    ) -> list[tuple[int | None, Any]]:
        """Records with ids: the same id from the common past is one record, merged field by
        field; the other side's new records are added by time; a new id made on both sides for
        different records is a collision (your record is renumbered afterwards)."""
        in_base = {record_ident(r, name): r for r in base if record_ident(r, name) is not None}
        mine: dict[str | None, int] = {}
        for i, record in enumerate(ours):
            mine.setdefault(record_ident(record, name), i)
        merged: list[tuple[int | None, Any]] = [(i, record) for i, record in enumerate(ours)]
        extra = []
        for record in theirs:
            ident = record_ident(record, name)
            index = mine.get(ident) if ident is not None else None
            if index is None:
                if record not in ours:
                    extra.append(record)
                continue
            own = ours[index]
            if own == record:
                continue
            if ident in in_base or name == "guardians":
                base_record = in_base.get(ident, {})
                merged[index] = (
                    index,
                    self.mapping((name, str(ident)), base_record, own, record),
                )
            else:
                self.collisions.append((name, index))
                extra.append(record)
        return _interleave(merged, extra, name)


def merge_data(
    base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any], take: Take | None = None
) -> Merged:
    """Merge three versions of a case as plain data (the versions are not changed). `take`: the
    side a person chose for fields in conflict (by `Conflict.loc`); those take that side's value
    and are no conflict. For a case closed on one side with new records on the other, taking
    the closing side's `status` is that side's version; the other side's reopens it."""
    merger = _Merger(take)
    data: dict[str, Any] = {}
    plans: dict[str, list[tuple[int | None, Any]]] = {}
    for key in [*ours, *(k for k in theirs if k not in ours)]:
        b, o, t = base.get(key, MISSING), ours.get(key, MISSING), theirs.get(key, MISSING)
        lists = all(isinstance(v, list) or v is MISSING for v in (b, o, t))
        if key in (*RECORDS, "guardians") and lists and o is not MISSING and t is not MISSING:
            plans[key] = merger.records(key, b if b is not MISSING else [], o, t)
            data[key] = [item for _, item in plans[key]]
        elif key == "log" and lists and o is not MISSING and t is not MISSING:
            plans[key] = _union_entries(o, t, "log")
            data[key] = [item for _, item in plans[key]]
        else:
            value = merger.value((str(key),), b, o, t)
            if value is not MISSING:
                data[key] = value
    closer = closing_side(base, ours, theirs)
    if closer is not None:
        status = (ours.get("status", "open"), theirs.get("status", "open"))
        side = (take or {}).get(("status",))
        if side is None:
            merger.conflicts.append(Conflict(("status",), "open", *status, closed_by=closer))
        elif side == closer:
            return Merged(copy.deepcopy(ours if closer == "ours" else theirs))
        else:
            data["status"] = status[0] if side == "ours" else status[1]
    merged = Merged(data, merger.conflicts, {}, plans)
    _renumber(merged, merger.collisions, base, ours, theirs)
    return merged


def _renumber(
    merged: Merged,
    collisions: list[tuple[str, int]],
    base: dict[str, Any],
    ours: dict[str, Any],
    theirs: dict[str, Any],
) -> None:
    """Give each of your colliding new records the next free id, and say so in your new log
    entries that name it."""
    if not collisions:
        return
    for name, index in collisions:
        prefix = RECORDS[name]
        used = {
            str(record_ident(r, name))
            for side in (base, ours, theirs, merged.data)
            for r in side.get(name) or []
        }
        used |= set(merged.renumbered.values())
        numbers = [int(u[len(prefix) :]) for u in used if u[len(prefix) :].isdigit()]
        new_id = f"{prefix}{max(numbers, default=0) + 1}"
        plan = merged.plans[name]
        position = next(p for p, (src, _) in enumerate(plan) if src == index)
        record = dict(plan[position][1])
        merged.renumbered[str(record["id"])] = new_id
        record["id"] = new_id
        plan[position] = (index, record)
        merged.data[name] = [item for _, item in plan]
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, merged.renumbered)) + r")\b")
    past = Counter(content_key(e) for e in base.get("log") or [])
    log_plan = merged.plans.get("log")
    if log_plan is None:
        return
    for position, (src, entry) in enumerate(log_plan):
        if src is None or not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
            continue
        key = content_key(entry)
        if past[key] > 0:
            past[key] -= 1
            continue
        text = pattern.sub(lambda m: merged.renumbered[m.group(1)], entry["text"])
        if text != entry["text"]:
            log_plan[position] = (src, {**entry, "text": text})
    merged.data["log"] = [item for _, item in log_plan]


# -- what a lawful merge looks like -------------------------------------------------------------------


def _step(node: Any, part: str, name: str) -> Any:
    if isinstance(node, dict):
        return node.get(part, MISSING)
    if isinstance(node, list):
        return next((r for r in node if record_ident(r, name) == part), MISSING)
    return MISSING


def get_at(data: Any, loc: Loc) -> Any:
    node = data
    for i, part in enumerate(loc):
        node = _step(node, part, loc[i - 1] if i else "")
        if node is MISSING:
            return MISSING
    return node


def set_at(data: Any, loc: Loc, value: Any) -> None:
    parent = get_at(data, loc[:-1]) if len(loc) > 1 else data
    if isinstance(parent, dict):
        if value is MISSING:
            parent.pop(loc[-1], None)
        else:
            parent[loc[-1]] = value


def reference(
    base_text: str | None,
    ours_text: str,
    theirs_text: str,
    result: dict[str, Any],
    path: str = "case",
) -> dict[str, Any] | None:
    """What a lawful merge of the two sides is: the merge by meaning, with each conflicting field
    taken from whichever side the merge `result` chose (yours where it chose neither). None when a
    version cannot be read."""
    try:
        base, ours, theirs = (read(t, path) for t in (base_text, ours_text, theirs_text))
    except FileProblem:
        return None
    return reference_data(base, ours, theirs, result)


def reference_data(
    base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any], result: dict[str, Any]
) -> dict[str, Any]:
    """`reference` over versions already read (and opened, for a sealed case)."""
    merged = merge_data(base, ours, theirs)
    data = copy.deepcopy(merged.data)
    for conflict in merged.conflicts:
        if get_at(result, conflict.loc) == conflict.theirs:
            set_at(data, conflict.loc, conflict.theirs)
    closer = next((c.closed_by for c in merged.conflicts if c.closed_by), None)
    if closer is not None:
        # Closed on one side, new records on the other: kept closed, the lawful merge is the
        # closing side alone; reopened, it is everything, closed, and the merge must reopen it.
        if result.get("status") == "closed":
            return copy.deepcopy(ours if closer == "ours" else theirs)
        data["status"] = "closed"
    return data
