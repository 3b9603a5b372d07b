"""The names of every subject and guardian of a repository, read from git once and remembered.

A message is checked against every name of the repository, not only those of the cases it changes
("Møte om <child>" with nothing or another case staged must not pass). Reading 10,000 case files
for each commit would blow the hook's budget, so the names of each case-file version are kept in
the git directory by blob id (a blob never changes): a commit parses only the versions it has not
seen. The names are read with a line scanner for the layout bti writes, and with libyaml for any
file written otherwise.

The cache holds children's names, as the case files beside it do; it is written for the owner
only, inside the git directory, which is never pushed. Where cases are sealed, a sealed file's names
are opened with the person's key (a file it does not open gives no names: the server, which holds
its key, checks every name), and the cache is sealed to the person's own key (bti.caches).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bti import caches, gitrepo, sealing
from bti.names import NameIndex, parts
from bti.store import CASES

_VERSION = 2  # 2: each name kept as its folded words (names.parts)
_TOP_KEY = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:(.*)")
_NAME_KEY = re.compile(r"([ \t]*(?:- )?[ \t]*)name[ \t]*:[ \t]?(.*)")
_PLAIN = re.compile(r"[^\s'\"\[\]{}#&*!|>%@`,?:-][^#]*")


def names_of(data: bytes) -> list[str]:
    """The subject's and the guardians' names in a case file's text ([] when it has none or is
    not YAML: the file's own checks report that)."""
    text = data.decode("utf-8", "replace")
    found = _scan(text)
    names = found if found is not None else _parse(text)
    # A sealed value is never a name, nor is the stand-in of one that does not open here.
    return [n for n in names if not sealing.is_sealed(n) and n != sealing.STAND_IN]


def is_sealed_file(data: bytes) -> bool:
    """Whether a case file's text has a `sealed:` block (its cached names are sealed too)."""
    return re.search(rb"^[\"']?sealed[\"']?[ \t]*:", data, re.M) is not None


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
            if key.group(1) == "sealed":
                return None  # a sealed file: its names are opened with the key (_parse)
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
    if "sealed" in data and sealing.sealed_block(data) is not None:
        try:
            data, opened = sealing.open_case(data)
        except Exception:  # a hostile layout: its own checks say what is wrong
            return []
        if not opened.readable:
            return []  # not ours to read: the server, which holds its key, checks the names
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
    commit about to be made holds), read once per blob and remembered in the git directory.

    The index built last time is kept with the blob ids it was built from; the versions since
    (a commit's worth, usually) are read and added to it. Names of versions no longer in the tree
    stay until the index is next rebuilt: they are names of the repository's people all the same."""
    entries = list(gitrepo.tree_blobs(root, rev, CASES).items()) if rev is not None else []
    if staged:
        entries += gitrepo.index_blobs(root, CASES).items()
    # case files only: cases/<id>.yaml, not a hidden file such as cases/.gitkeep
    blobs = {blob for path, blob in entries if path.endswith(".yaml") and "/." not in path}
    folder = gitrepo.git_dir(root)
    cache = folder / "bti" if folder else None
    built = _load_index(cache)
    if built is not None:
        seen, index = built
        new = blobs - seen
        if len(new) <= _MOST_ADDED:
            for blob in new:
                data = reader.read(blob)
                for name in names_of(data) if data is not None else []:
                    index.add(name)
            return index
    index = NameIndex()
    found, sealed = names_of_blobs(cache, blobs, reader, root=root)
    for words in {tuple(words) for words in found}:
        index.add_parts(words)
    if cache is not None:
        kept = {"blobs": sorted(blobs), **index.as_data()}
        _save(cache / "names-index.json", kept, sealed=sealed or caches.sealed_repository(root))
    return index


# Versions read on top of the kept index before it is built again from the whole tree.
_MOST_ADDED = 64


def _load_index(cache: Path | None) -> tuple[set[str], NameIndex] | None:
    data = _read_json(cache / "names-index.json") if cache else None
    if data is None:
        return None
    try:
        return set(data["blobs"]), NameIndex.from_data(data)
    except (KeyError, TypeError):
        return None


def names_of_blobs(
    cache: Path | None,
    blobs: Iterable[str],
    reader: gitrepo.ObjectReader,
    *,
    root: Path | None = None,
) -> tuple[list[list[str]], bool]:
    """The names in the case-file versions `blobs`, each as its folded words (`names.parts`),
    from the cache folder `cache` where it has them; and whether they must be kept sealed (the
    repository at `root` seals its cases, or one of the versions was sealed)."""
    cache_file = cache / "names.json" if cache else None
    raw, sealed = caches.load(cache_file)
    known = _load(raw)
    wanted = set(blobs)
    fresh = False
    names: list[list[str]] = []
    for blob in wanted:
        found = known.get(blob)
        if found is None:
            data = reader.read(blob)
            found = [list(parts(name)) for name in names_of(data)] if data is not None else []
            sealed = sealed or (data is not None and is_sealed_file(data))
            known[blob] = found
            fresh = True
        names.extend(found)
    if cache_file is not None and fresh:
        sealed = sealed or caches.sealed_repository(root)
        if len(known) > 2 * len(wanted) + 1000:
            # versions no longer in the trees asked about drop out
            known = {blob: known[blob] for blob in wanted}
        _save(cache_file, {"blobs": known}, sealed=sealed)
    return names, sealed


def _read_json(path: Path) -> dict[str, Any] | None:
    """A cache file this version wrote, or None (missing, unreadable, another version)."""
    return _parse_json(caches.read(path))


def _parse_json(raw: bytes | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("version") != _VERSION:
        return None
    return data


def _load(raw: bytes | None) -> dict[str, list[list[str]]]:
    data = _parse_json(raw)
    blobs = data.get("blobs") if data else None
    return blobs if isinstance(blobs, dict) else {}


def _save(cache_file: Path, data: dict[str, Any], *, sealed: bool) -> None:
    """Written atomically and readable by the owner only — sealed to the person's own key when
    `sealed` (with no key, not kept at all); a cache that cannot be written is simply not kept."""
    text = json.dumps({"version": _VERSION, **data}, ensure_ascii=False)
    caches.write(cache_file, text.encode("utf-8"), sealed=sealed)
