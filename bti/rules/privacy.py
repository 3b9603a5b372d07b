"""BTI5xx: a national id stays in the subject's national-id field, and names stay out of commits."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from bti import nationalid
from bti.i18n import N_, _
from bti.models import Case
from bti.rules.core import Context, Finding, Violation, declare, state_rule

if TYPE_CHECKING:
    from bti.names import NameIndex

MESSAGE_NAMES_SUBJECT = declare(
    "BTI502", "error", N_("a commit or tag message names a case subject or guardian"), "commit"
)
MESSAGE_HAS_ID = declare("BTI503", "error", N_("a commit message contains a national id"), "commit")
FILE_NAME_HAS_ID = declare("BTI504", "error", N_("a file name contains a national id"), "file")
DOCUMENT_LEAK = declare(
    "BTI505", "error", N_("a generated document contains a national id or a subject's name"), "file"
)


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
    """Every valid national id written in `text`, in any disguise (see `nationalid.spans`)."""
    return [number for _, number in nationalid.find(text)]


def id_message(number: str) -> str:
    """The one wording for a national id out of place, wherever it is found."""
    return _(
        "a national id ({id}) is written in free text — remove it; it belongs only in "
        "subject.national_id"
    ).format(id=nationalid.mask(number))


@state_rule("BTI501", "error", N_("a national id appears outside the subject's national-id field"))
def national_id_in_text(case: Case, ctx: Context) -> Iterator[Finding]:
    if not nationalid.may_hold_in_json(case.model_dump_json(exclude={"subject": {"national_id"}})):
        return  # the common case, found at C speed: no eleven digits anywhere
    data = case.model_dump(mode="json", exclude={"subject": {"national_id"}})
    for loc, text in _strings(data, ()):
        for number in ids_in(text):
            yield Finding(loc, id_message(number))


# -- text as written: comments, any file, messages ---------------------------------------------
#
# BTI501 over the model sees values only. The scans below read the text itself, so they also see
# YAML comments and files that are no case (notes, README, templates, bti.yaml, people.yaml). They
# report under the same code and wording, with a line and column instead of a place in the model.

NATIONAL_ID_IN_TEXT = "BTI501"
_NATIONAL_ID_KEY = re.compile(r"[ \t]*national_id[ \t]*:[ \t]*[\"']?")


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def ids_in_text(text: str) -> list[tuple[int, int, str]]:
    """(line, column, masked id) of every national id written anywhere in `text`."""
    return [(line, col, nationalid.mask(n)) for line, col, n in _id_places(text, None)]


def ids_in_case_text(text: str, own: str | None) -> list[tuple[int, int, str]]:
    """As `ids_in_text`, for a case file whose subject's national id is `own`: that number is
    allowed once, as the value of the `national_id:` key; anywhere else (another value, a
    comment, the same line's comment) it is a finding like any other."""
    return [(line, col, nationalid.mask(n)) for line, col, n in _id_places(text, own or "")]


def text_id_violations(text: str, path: str, own: str | None = None) -> list[Violation]:
    """BTI501, with line and column, for every national id in the text of the file `path`. For a
    case file pass `own`, the subject's national id ("" when it has none): that number is
    then allowed in its field."""
    from bti.rules.core import REGISTRY

    rule = REGISTRY[NATIONAL_ID_IN_TEXT]
    return [
        rule.violation(id_message(number)).at(path, line, col)
        for line, col, number in _id_places(text, own)
    ]


def case_text_violations(
    text: str, path: str, own: str | None, found: Iterable[Violation]
) -> list[Violation]:
    """BTI501 for the ids of a case file's text that the model-level BTI501 in `found` has not
    already reported on the same line: mostly ids in comments, which the model never sees. Both
    are needed: a YAML escape ("\\x30…") hides an id from the text but not from the model."""
    reported = {v.line for v in found if v.code == NATIONAL_ID_IN_TEXT and v.path == path}
    return [v for v in text_id_violations(text, path, own or "") if v.line not in reported]


def _id_places(text: str, own: str | None) -> list[tuple[int, int, str]]:
    """(line, column, number) of the ids in `text`, less the subject's own in its field."""
    own = nationalid.digits(own) if own else None
    found = []
    for start, _end, number in nationalid.spans(text):
        if own is not None and number == own:
            line_start = text.rfind("\n", 0, start) + 1
            key = _NATIONAL_ID_KEY.match(text, line_start)
            if key is not None and key.end() == start:
                own = None  # the field itself, once
                continue
        found.append((*_line_col(text, start), number))
    return found


def message_problems(message: str, names: NameIndex, path: str = "") -> list[Violation]:
    """A commit or tag message may hold no national id and no name of any subject or guardian of
    the repository. Every line counts, '#' lines too: `git commit --cleanup=verbatim` keeps
    them. Only what follows git's scissors line (the diff `git commit -v` shows) is left out, as
    git always drops it.

    The refusal says where the name is (line and column of the message), never the name: on the
    server it is printed to whoever pushes, who may not be the author and may not be allowed to
    read that case, and hook output ends up in server logs."""
    text = _before_scissors(message)
    found = []
    for start, _end, number in nationalid.spans(text):
        line, col = _line_col(text, start)
        found.append(
            MESSAGE_HAS_ID.violation(
                _(
                    "the message contains a national id ({id}) at line {line}, column {col} — "
                    "write the case id instead"
                ).format(id=nationalid.mask(number), line=line, col=col),
                path=path,
            )
        )
    for start, _end in names.spans(text):
        line, col = _line_col(text, start)
        found.append(
            MESSAGE_NAMES_SUBJECT.violation(
                _(
                    "the message names a child or guardian at line {line}, column {col} — "
                    "describe the change by case id only, e.g. '2026-7KQ3M: entry added'"
                ).format(line=line, col=col),
                path=path,
            )
        )
    return found


_SCISSORS = re.compile(r"^\S ------------------------ >8 ------------------------$", re.MULTILINE)


def _before_scissors(message: str) -> str:
    cut = _SCISSORS.search(message)
    return message if cut is None else message[: cut.start()]


# Header lines of a commit or tag object that hold no free text (ids of other objects) or a
# signature (whose base64 may hold any digits).
_NOT_TEXT = ("tree ", "parent ", "object ", "type ", "gpgsig", "gpgsig-sha256", "mergetag ", " ")


def object_problems(raw: str, names: NameIndex, path: str = "") -> list[Violation]:
    """Everything a person wrote in a commit or tag object (as `git cat-file commit|tag` gives
    it): national ids in the author, committer and tagger lines and the tag name, and ids and
    names in the message."""
    header, _sep, message = raw.partition("\n\n")
    found = []
    for text in header.split("\n"):
        if text.startswith(_NOT_TEXT):
            continue
        for number in ids_in(text):
            found.append(
                MESSAGE_HAS_ID.violation(
                    _(
                        "the line '{line}' of the commit or tag contains a national id ({id}) — "
                        "write the case id instead"
                    ).format(line=text.split(" ", 1)[0], id=nationalid.mask(number)),
                    path=path,
                )
            )
    return found + message_problems(message, names, path)
