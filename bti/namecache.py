"""The names of every subject and guardian of a repository, read from git once and remembered.

A message is checked against every name of the repository, not only those of the cases it changes
("Møte om <child>" with nothing or another case staged must not pass). Reading 10,000 case files
for each commit would blow the hook's budget, so the names of each case-file version are kept in
the git directory by blob id (a blob never changes): a commit parses only the versions it has not
seen. The names are read with a line scanner for the layout bti writes, and with libyaml for any
file written otherwise.

The cache holds children's names, as the case files beside it do; it is written for the owner
only, inside the git directory, which is never pushed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from bti import gitrepo
from bti.names import NameIndex
from bti.store import CASES

_VERSION = 1
_TOP_KEY = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:(.*)")
_NAME_KEY = re.compile(r"([ \t]*(?:- )?[ \t]*)name[ \t]*:[ \t]?(.*)")
_PLAIN = re.compile(r"[^\s'\"\[\]{}#&*!|>%@`,?:-][^#]*")


def names_of(data: bytes) -> list[str]:
    """The subject's and the guardians' names in a case file's text ([] when it has none or is
    not YAML: the file's own checks report that)."""
    text = data.decode("utf-8", "replace")
    found = _scan(text)
    return found if found is not None else _parse(text)


def _scan(text: str) -> list[str] | None:
    """Names from a file in bti's own layout, or None when it is written any other way."""
    blocks: dict[str, list[str]] = {}
    heads: dict[str, str] = {}
    current: list[str] | None = None
    for line in text.split("\n"):
        if line[:1] not in (" ", "\t", "#", "-", ""):
            key = _TOP_KEY.fullmatch(line.rstrip())
            if key is None:
                return None
            heads[key.group(1)] = key.group(2).strip()
            current = blocks.setdefault(key.group(1), [])
        elif current is not None:
            current.append(line)
    if heads.get("subject") != "" or heads.get("guardians", "[]") not in ("", "[]"):
        return None
    subject = _block_names(blocks.get("subject", []), item=False)
    guardians = _block_names(blocks.get("guardians", []), item=True)
    if subject is None or len(subject) != 1 or guardians is None:
        return None
    return subject + guardians


def _block_names(lines: list[str], *, item: bool) -> list[str] | None:
    """The `name:` values of a block (one per list item when `item`), or None when the block is
    not plainly written (flow style, a name over several lines, an item without a name)."""
    names = []
    items = 0
    for i, line in enumerate(lines):
        stripped = line.lstrip(" ")
        if item and stripped.startswith("-"):
            items += 1
            if not stripped.startswith("- "):
                return None
        key = _NAME_KEY.fullmatch(line.rstrip())
        if key is None:
            if "name" in line and not line.lstrip().startswith("#"):
                return None  # a name written some other way: let libyaml read it
            continue
        rest = lines[i + 1] if i + 1 < len(lines) else ""
        if rest.strip() and len(rest) - len(rest.lstrip(" ")) > len(key.group(1)):
            return None  # the value goes on over the next line
        value = _value(key.group(2).rstrip())
        if value is None:
            return None
        names.append(value)
    if item and items != len(names):
        return None
    return names


def _value(raw: str) -> str | None:
    if _PLAIN.fullmatch(raw) and ": " not in raw:
        return raw.strip()
    if raw[:1] in ("'", '"'):
        import yaml

        try:
            value = yaml.load(raw, Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            return None
        return value if isinstance(value, str) else None
    return None


def _parse(text: str) -> list[str]:
    import yaml

    try:
        data = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return []
    if not isinstance(data, dict):
        return []
    people = [data.get("subject")]
    guardians = data.get("guardians")
    if isinstance(guardians, list):
        people.extend(guardians)
    names = []
    for person in people:
        if isinstance(person, dict) and isinstance(person.get("name"), str):
            names.append(person["name"])
    return names


def repository_names(
    root: Path, rev: str | None, reader: gitrepo.ObjectReader, *, staged: bool = False
) -> NameIndex:
    """The names of every case file of commit `rev` (and, when `staged`, of the index too: what a
    commit about to be made holds), read once per blob and remembered in the git directory."""
    listed: dict[str, str] = {}
    if rev is not None:
        listed.update(gitrepo.tree_blobs(root, rev, CASES))
    blobs = {blob for path, blob in listed.items() if is_case_file(path)}
    if staged:
        blobs.update(b for p, b in gitrepo.index_blobs(root, CASES).items() if is_case_file(p))
    return NameIndex.build(names_of_blobs(root, blobs, reader))


def is_case_file(path: str) -> bool:
    """A case file's path: cases/<id>.yaml, not a hidden file such as cases/.gitkeep."""
    name = path.rpartition("/")[2]
    return name.endswith(".yaml") and not name.startswith(".")


def names_of_blobs(root: Path, blobs: Iterable[str], reader: gitrepo.ObjectReader) -> list[str]:
    """The names in the case-file versions `blobs`, from the cache where it has them."""
    folder = gitrepo.git_dir(root)
    cache_file = folder / "bti" / "names.json" if folder else None
    known = _load(cache_file)
    wanted = set(blobs)
    fresh = False
    names: list[str] = []
    for blob in wanted:
        found = known.get(blob)
        if found is None:
            data = reader.read(blob)
            found = names_of(data) if data is not None else []
            known[blob] = found
            fresh = True
        names.extend(found)
    if cache_file is not None and fresh:
        if len(known) > 2 * len(wanted) + 1000:
            # versions no longer in the trees asked about drop out
            known = {blob: known[blob] for blob in wanted}
        _save(cache_file, known)
    return names


def _load(cache_file: Path | None) -> dict[str, list[str]]:
    if cache_file is None:
        return {}
    try:
        data = json.loads(cache_file.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != _VERSION:
        return {}
    blobs = data.get("blobs")
    return blobs if isinstance(blobs, dict) else {}


def _save(cache_file: Path, blobs: dict[str, list[str]]) -> None:
    """Written atomically and readable by the owner only; a cache that cannot be written is
    simply not kept."""
    with contextlib.suppress(OSError):
        cache_file.parent.mkdir(exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=cache_file.parent, prefix=".names-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"version": _VERSION, "blobs": blobs}, out, ensure_ascii=False)
            os.replace(temp, cache_file)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
