#!/usr/bin/env python3
"""A git merge driver for the message catalogues: the union of both sides' messages.

Two branches that each mark and translate their own messages add entries at neighbouring places in
an alphabetically sorted `.po`, which a line merge reports as a conflict. This driver reads the base,
ours and theirs with Babel and writes ours with every message theirs added or translated that ours
lacks; a message both sides translated differently keeps ours and the merge reports a conflict.

    git config merge.po-union.driver 'python3 scripts/po-merge.py %O %A %B'
    # .gitattributes: bti/locale/**/*.po merge=po-union
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def _read(path: str):
    with open(path, "rb") as fp:
        return read_po(fp)


def _text(message) -> tuple[str, ...]:
    s = message.string
    return (s,) if isinstance(s, str) else tuple(s)


def main(base: str, ours: str, theirs: str) -> int:
    old, mine, other = _read(base), _read(ours), _read(theirs)
    clash = []
    for message in other:
        if not message.id:
            continue
        key = message.id if message.context is None else (message.id, message.context)
        here = mine.get(message.id, context=message.context)
        before = old.get(message.id, context=message.context)
        if here is None:
            if before is not None and _text(before) == _text(message):
                continue  # ours removed it and theirs did not change it
            mine[message.id] = message
            continue
        if _text(here) == _text(message) or not any(_text(message)):
            continue
        if not any(_text(here)) or (before is not None and _text(before) == _text(here)):
            here.string = message.string
        else:
            clash.append(key)
    # Messages theirs removed that ours did not change stay: a message still marked in the source
    # would otherwise lose its translation (tests/test_i18n.py names any that are left over).
    with open(ours, "wb") as fp:
        write_po(fp, mine, width=100, sort_output=False, include_lineno=False)
    for key in clash:
        print(f"po-merge: both sides translated {key!r} differently; kept ours", file=sys.stderr)
    return 1 if clash else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
