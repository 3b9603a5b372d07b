"""Writing a merged case file: the round trip on your version's text (or, when only the other side
was edited by hand, on theirs), so comments and key order stay; a conflict is listed in a
`merge_conflict:` block at the top, never as <<<<<<< markers inside YAML."""

from __future__ import annotations

from typing import Any

from bti import yamlio
from bti.errors import FileProblem
from bti.i18n import N_, _
from bti.merge import (
    CONFLICT_KEY,
    MISSING,
    RECORDS,
    Conflict,
    MergeResult,
    Take,
    content_key,
    merge_data,
    read,
    record_ident,
)

PLAIN_WORDS = N_(
    "MERGE CONFLICT: the fields below were changed differently on both sides. The file\n"
    "holds your value; for each field keep the value that is right (yours or the incoming\n"
    "one), then delete this {block} block and run 'bti sync --continue', or choose with\n"
    "'bti sync --take mine FIELD' or 'bti sync --take theirs FIELD'.\n"
    "'bti sync --abort' goes back to how things were before the sync."
)
SEALED_WORDS = N_(
    "MERGE CONFLICT: the fields below were changed differently on both sides; both\n"
    "values are sealed here. Run 'bti case edit <case id>': it shows them opened. Keep\n"
    "the right value in each field, delete the {block} block, save, then run\n"
    "'bti sync --continue', or choose with 'bti sync --take mine FIELD' or\n"
    "'bti sync --take theirs FIELD'. 'bti sync --abort' goes back to how things were before."
)


def _key(item: Any, name: str) -> str:
    """How an item is recognised in another version: its id (guardian: name), else its content."""
    ident = record_ident(item, name) if name in (*RECORDS, "guardians") else None
    return f"id:{ident}" if ident is not None else content_key(item)


def _write_list(seq: Any, before: list[Any], after: list[Any], name: str) -> Any:
    """Bring the round-trip list `seq` (which reads as `before`) to `after`, reusing the node of
    each item found in both, so that comments inside an item stay with it."""
    free: dict[str, list[int]] = {}
    for i, item in enumerate(before):
        free.setdefault(_key(item, name), []).append(i)
    sources = [free[k].pop(0) if free.get(k := _key(item, name)) else None for item in after]
    used = [s for s in sources if s is not None]
    if used == sorted(used):  # the usual case: only insertions, so seq-level comments stay put
        for i in sorted(set(range(len(before))) - set(used), reverse=True):
            del seq[i]
        for position, (src, item) in enumerate(zip(sources, after, strict=True)):
            if src is None:
                seq.insert(position, yamlio.to_node(item))
            elif item != before[src]:
                seq[position] = yamlio.apply_changes(seq[position], before[src], item)
        return seq
    nodes = [
        yamlio.to_node(item)
        if src is None
        else yamlio.apply_changes(seq[src], before[src], item)
        if item != before[src]
        else seq[src]
        for src, item in zip(sources, after, strict=True)
    ]
    del seq[:]
    seq.extend(nodes)
    return seq


def _render(text: str, data: dict[str, Any], merged: dict[str, Any]) -> str:
    """The text of one side (`text`, reading as `data`) with only the merge's changes applied:
    its comments and key order survive."""
    node = yamlio.rt_load(text) if text.strip() else None
    if not isinstance(node, dict):
        return yamlio.rt_dump(yamlio.to_node(merged))
    for key in [k for k in node if k not in merged]:
        del node[key]
    for key, value in merged.items():
        before = data.get(key, MISSING)
        if key not in node:
            node[key] = yamlio.to_node(value)
        elif before == value:
            continue
        elif isinstance(node[key], list) and isinstance(before, list) and isinstance(value, list):
            node[key] = _write_list(node[key], before, value, str(key))
        else:
            node[key] = yamlio.apply_changes(node[key], before, value)
    return yamlio.rt_dump(node)


def _hand_edited(
    base_text: str | None, base: dict[str, Any], text: str, data: dict[str, Any]
) -> bool:
    """Whether a side's text holds more than bti would write for its data (comments, order)."""
    if base_text is None or not base_text.strip() or not base:
        return True
    try:
        return _render(base_text, base, data) != text
    except Exception:  # ruamel cannot round-trip it: treat it as hand-made, keep it
        return True


def _conflict_block(conflicts: list[Conflict]) -> str:
    items = [
        {"field": c.label, "yours": _plain(c.ours), "incoming": _plain(c.theirs)} for c in conflicts
    ]
    return conflict_block(items)


def conflict_block(items: list[dict[str, Any]], *, sealed: bool = False) -> str:
    """The `merge_conflict:` block for `items` (field, yours, incoming), with how to resolve it;
    `sealed`: the values in it are sealed, and 'bti case edit' shows them opened."""
    body = yamlio.rt_dump(yamlio.to_node({CONFLICT_KEY: items}))
    words = _(SEALED_WORDS if sealed else PLAIN_WORDS).format(block=CONFLICT_KEY)
    return "".join(f"# {line}\n" for line in words.splitlines()) + body


def block_comment_starts() -> set[str]:
    """The first comment line of a conflict block in every language (bti.mergesealed removes
    the block whatever language wrote it)."""
    from bti.i18n import LANGUAGES, translations

    return {
        "# " + translations(lang).gettext(words).splitlines()[0]
        for lang in LANGUAGES
        for words in (PLAIN_WORDS, SEALED_WORDS)
    }


def _plain(value: Any) -> Any:
    return _("(not there)") if value is MISSING else value


def insert_block(text: str, block: str) -> str:
    """After the leading comment lines (the schema line), before the first field."""
    lines = text.splitlines(keepends=True)
    at = 0
    while at < len(lines) and (lines[at].startswith(("#", "%", "---")) or not lines[at].strip()):
        at += 1
    return "".join([*lines[:at], block, *lines[at:]])


def merge_texts(
    base_text: str | None,
    ours_text: str,
    theirs_text: str,
    path: str = "case",
    take: Take | None = None,
) -> MergeResult:
    """Merge three versions of a case file's text. Never raises for bad content. `take`: the
    side chosen for fields in conflict (bti.merge.merge_data)."""
    try:
        base = read(base_text, path)
        ours = read(ours_text, path)
        theirs = read(theirs_text, path)
    except FileProblem as problem:
        return MergeResult(
            ours_text,
            "",
            problem=_(
                "one version cannot be read, so it cannot be merged by meaning ({problem}); your "
                "version is kept"
            ).format(problem=problem.message),
        )
    case_id = str(ours.get("id") or theirs.get("id") or "")
    if ours == theirs:
        return MergeResult(ours_text, case_id)
    merged = merge_data(base, ours, theirs, take)
    # Written on your text, unless yours is only what bti writes and theirs carries hand edits.
    if _hand_edited(base_text, base, ours_text, ours):
        text = _render(ours_text, ours, merged.data)
    else:
        text = _render(theirs_text, theirs, merged.data)
    if merged.conflicts:
        text = insert_block(text, _conflict_block(merged.conflicts))
    return MergeResult(text, case_id, merged.conflicts, merged.renumbered)
