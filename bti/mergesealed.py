"""Merging sealed case files: what the merge driver does when a version carries a `sealed:` block.

On the person's own machine the driver opens base, ours and theirs with their keyring (a version
that does not open with it may open with the data key of another version: a reader added later
sees the case from then on, the key stays), merges the plain cases by meaning exactly as for a
plain file (bti.merge), and writes the result through the one sealing writer
(`Repository.sealed_text`): on your version's text, sealed for exactly the merged case's readers,
keeping your data key and every unchanged ciphertext unless a reader is dropped (then a new key).

A version the person cannot open merges only when the other side left the case as it was (then the
changed side's bytes are taken as they are); otherwise the driver fails with one line saying
which case it is and who can merge it, and writes nothing.

Conflicts stay sealed. A field changed differently on both sides is listed in the usual
`merge_conflict:` block, but its two values are sealed in it with the merged case's data key, at
their own place (`merge_conflict.N.yours`, `.incoming`; the plain value as JSON), so the working
tree never holds them in plain text. `bti case edit ID` opens the block with the case and shows
both values; removing the block there resolves the conflict, and `bti sync --continue` judges
the merge. The block is not part of the case schema, so no rule, hook or server accepts a file
that still has it — exactly as for a plain file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bti import merge, sealing, yamlio
from bti.checks import parse_case
from bti.errors import FileProblem, InputError, Refused
from bti.i18n import _
from bti.merge import CONFLICT_KEY, MISSING, Conflict, MergeResult, Take, merge_data, read
from bti.mergefile import block_comment_starts, conflict_block, insert_block, merge_texts
from bti.models import Case
from bti.sealing import Opened
from bti.store import LoadedCase, Repository

SIDES = ("base", "ours", "theirs")


def merge_case_texts(
    base_text: str | None,
    ours_text: str,
    theirs_text: str,
    path: str,
    root: Path | None = None,
    take: Take | None = None,
) -> MergeResult:
    """Merge three versions of a case file, sealed or not (sealed: see the module's words).
    `root`: the case repository whose people and settings say who may read the result; `take`:
    the side a person chose for fields in conflict (bti sync --take)."""
    try:
        raws = [read(t, path) for t in (base_text, ours_text, theirs_text)]
    except FileProblem:
        return merge_texts(base_text, ours_text, theirs_text, path, take)
    if not any(sealing.sealed_block(raw) for raw in raws if raw):
        return merge_texts(base_text, ours_text, theirs_text, path, take)
    return _merge_sealed(raws, (base_text, ours_text, theirs_text), path, root, take)


def _open(raw: dict[str, Any]) -> tuple[dict[str, Any], Opened | None]:
    if not raw or sealing.sealed_block(raw) is None:
        return raw, None
    plain, opened = sealing.open_case(raw)
    return plain, opened


def _open_sides(raws: list[dict[str, Any]]) -> list[tuple[dict[str, Any], Opened | None]]:
    sides = [_open(raw) for raw in raws]
    keys = [o.data_key for _plain, o in sides if o is not None and o.data_key is not None]
    for i, (raw, (_plain, opened)) in enumerate(zip(raws, sides, strict=True)):
        if opened is None or opened.readable:
            continue
        for key in keys:
            plain, tried = sealing.open_case(raw, key=key)
            if not tried.bad:
                sides[i] = (plain, tried)
                break
    return sides


def _who_can(raws: list[dict[str, Any]], case_id: str) -> str:
    readers: list[str] = []
    for raw in raws:
        block = sealing.sealed_block(raw) if raw else None
        for reader in block[0] if block else []:
            if reader != sealing.SERVER and reader not in readers:
                readers.append(reader)
    return ", ".join(readers) or _("one of its readers")


def _merge_sealed(
    raws: list[dict[str, Any]],
    texts: tuple[str | None, str, str],
    path: str,
    root: Path | None,
    take: Take | None = None,
) -> MergeResult:
    base_text, ours_text, theirs_text = texts
    case_id = str(raws[1].get("id") or raws[2].get("id") or "")
    sides = _open_sides(raws)
    closed = [name for name, (_, o) in zip(SIDES, sides, strict=True) if o and not o.readable]
    if "ours" in closed or "theirs" in closed:
        if theirs_text in (base_text, ours_text):
            return MergeResult(ours_text, case_id)
        if ours_text == base_text:
            return MergeResult(theirs_text, case_id)
        return MergeResult(
            ours_text,
            case_id,
            problem=_(
                "case {case} was changed on both sides and is sealed so that you cannot read it, "
                "so bti cannot merge it here — one of its readers ({readers}) can; "
                "'bti sync --abort' goes back"
            ).format(case=case_id, readers=_who_can(raws, case_id)),
        )
    plains = [{k: v for k, v in plain.items() if k != "sealed"} for plain, _ in sides]
    if "base" in closed:
        plains[0] = {}  # an unknown past: every difference between the sides is a conflict
    merged = merge_data(plains[0], plains[1], plains[2], take)
    try:
        repo = Repository.find(root)
        ours_case = Case.model_validate(plains[1]) if plains[1] else None
        case = Case.model_validate(merged.data)
        text = repo.sealed_text(ours_text, ours_case, sides[1][1], case)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        return MergeResult(
            ours_text,
            case_id,
            problem=_(
                "the merged case cannot be read ({field}: {error}); your version is kept"
            ).format(field=where, error=first["msg"]),
        )
    except (InputError, Refused) as err:
        return MergeResult(
            ours_text,
            case_id,
            problem=_("{problem}; your version is kept").format(problem=err.message),
        )
    if merged.conflicts:
        text = insert_block(text, _sealed_block(text, case_id, merged.conflicts))
    return MergeResult(text, case_id, merged.conflicts, merged.renumbered)


def reference(
    base_text: str | None, ours_text: str, theirs_text: str, result_text: str, path: str
) -> dict[str, Any] | None:
    """What a lawful merge of two versions is (bti.merge.reference), sealed versions opened
    first: None when a version cannot be read or opened here (then the merge's result is judged
    as a change from the first side, and a sealed one by its sealing alone)."""
    try:
        raws = [read(t, path) for t in (base_text, ours_text, theirs_text, result_text)]
    except FileProblem:
        return None
    if not any(sealing.sealed_block(raw) for raw in raws if raw):
        return merge.reference(base_text, ours_text, theirs_text, raws[3], path)
    sides = _open_sides(raws)
    if any(o is not None and not o.readable for _, o in sides):
        return None
    plains = [{k: v for k, v in plain.items() if k != "sealed"} for plain, _ in sides]
    found = merge.reference_data(plains[0], plains[1], plains[2], plains[3])
    if found is not None and "sealed" in raws[3]:
        found["sealed"] = raws[3]["sealed"]
    return found


# -- conflicts, sealed ------------------------------------------------------------------------------


def _conflict_path(index: int, side: str) -> str:
    return f"{CONFLICT_KEY}.{index}.{side}"


def _data_key(text: str) -> bytes:
    block = sealing.sealed_block(yamlio.load(text, _("the merged case")))
    assert block is not None
    key = sealing.keyring().unwrap(block[1])
    assert key is not None  # sealed_text remembers the key it wrote with
    return key


def _safe_label(conflict: Conflict, text: str) -> str:
    """The conflict's field as the block names it: a guardian (known by name in bti.merge) by
    their place in the list instead, since the name is sealed."""
    loc = conflict.loc
    if len(loc) < 2 or loc[0] != "guardians":
        return conflict.label
    raw = sealing.open_case(yamlio.load(text, _("the merged case")))[0]
    names = [g.get("name") for g in raw.get("guardians") or [] if isinstance(g, dict)]
    place = names.index(loc[1]) + 1 if loc[1] in names else "?"
    return ".".join(("guardians", str(place), *loc[2:]))


def _sealed_block(text: str, case_id: str, conflicts: list[Conflict]) -> str:
    key = _data_key(text)
    items = []
    for i, conflict in enumerate(conflicts):
        item: dict[str, Any] = {"field": _safe_label(conflict, text)}
        for side, value in (("yours", conflict.ours), ("incoming", conflict.theirs)):
            shown = _("(not there)") if value is MISSING else value
            plain = json.dumps(shown, default=str, ensure_ascii=False)
            item[side] = sealing.seal_value(key, case_id, _conflict_path(i, side), "s", plain)
        items.append(item)
    return conflict_block(items, sealed=True)


def open_conflicts(items: Any, opened: Opened | None, case_id: str) -> list[dict[str, Any]]:
    """The conflict block's items with their sealed values opened (a plain block as it is)."""
    out = []
    for i, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            continue
        shown = dict(item)
        for side in ("yours", "incoming"):
            value = item.get(side)
            if isinstance(value, str) and sealing.is_sealed(value) and opened and opened.data_key:
                try:
                    plain = sealing.open_value(
                        opened.data_key, case_id, _conflict_path(i, side), "s", value
                    )
                    shown[side] = json.loads(plain)
                except (sealing.SealError, ValueError):
                    shown[side] = _("(does not open)")
        out.append(shown)
    return out


def without_block(text: str) -> str:
    """The text of a conflicted case without the block bti.mergefile.insert_block put in."""
    out: list[str] = []
    inside = False
    starts = tuple(block_comment_starts())
    for line in text.splitlines(keepends=True):
        if line.startswith(("# MERGE CONFLICT", *starts)) or line.startswith(f"{CONFLICT_KEY}:"):
            inside = True
            continue
        if inside and (line.startswith(("#", " ", "-")) or not line.strip()):
            continue
        inside = False
        out.append(line)
    cut = "".join(out)
    raw = yamlio.load(cut, _("the case"))
    if isinstance(raw, dict) and CONFLICT_KEY not in raw:
        return cut
    node = yamlio.rt_load(text)
    del node[CONFLICT_KEY]
    return str(yamlio.rt_dump(node))


def load_for_edit(repo: Repository, case_id: str) -> tuple[LoadedCase, list[dict[str, Any]]]:
    """A case to edit by hand, and the conflicts a stopped sync listed in it (opened)."""
    try:
        return repo.load_case(case_id), []
    except FileProblem:
        path = repo.case_path(case_id.strip().upper())
        text = path.read_text("utf-8")
        raw = yamlio.load(text, repo.relative(path))
        if not isinstance(raw, dict) or CONFLICT_KEY not in raw:
            raise
    items = raw.pop(CONFLICT_KEY)
    parsed = parse_case(without_block(text), repo.relative(path))
    if parsed.case is None:
        raise FileProblem(
            parsed.path, 1, 1, parsed.problems[0].message, hint=_("correct the file and retry")
        )
    if not parsed.readable:
        from bti.store import not_readable

        raise not_readable(parsed.case, repo.people)
    return LoadedCase(path, parsed), open_conflicts(items, parsed.opened, parsed.case.id)
