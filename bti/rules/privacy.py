"""BTI5xx: a national id stays in the subject's national-id field, and names stay out of commits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from bti import nationalid
from bti.models import Case
from bti.rules.core import Context, Finding, declare, state_rule

MESSAGE_NAMES_SUBJECT = declare(
    "BTI502", "error", "a commit message names a case subject", "commit"
)
MESSAGE_HAS_ID = declare("BTI503", "error", "a commit message contains a national id", "commit")
FILE_NAME_HAS_ID = declare("BTI504", "error", "a file name contains a national id", "file")
DOCUMENT_LEAK = declare(
    "BTI505", "error", "a generated document contains a national id or a subject's name", "file"
)

_ELEVEN_DIGITS = re.compile(r"\d{6}[ \-.]?\d{5}")


def _strings(value: Any, loc: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*loc, i))


def ids_in(text: str) -> list[str]:
    if not _ELEVEN_DIGITS.search(text):
        return []
    return [number for _, number in nationalid.find(text)]


@state_rule("BTI501", "error", "a national id appears outside the subject's national-id field")
def national_id_in_text(case: Case, ctx: Context) -> Iterator[Finding]:
    if not _ELEVEN_DIGITS.search(case.model_dump_json(exclude={"subject": {"national_id"}})):
        return  # the common case, found at C speed: no eleven digits anywhere
    data = case.model_dump(mode="json", exclude={"subject": {"national_id"}})
    for loc, text in _strings(data, ()):
        for number in ids_in(text):
            yield Finding(
                loc,
                f"a national id ({nationalid.mask(number)}) is written in free text "
                "— remove it; it belongs only in subject.national_id",
            )


def names_in(text: str, names: list[str]) -> list[str]:
    """The subject names that appear in `text`, as whole words, ignoring case."""
    found = []
    for name in names:
        if name and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
            found.append(name)
    return found
