"""Cheap checks on YAML text before a parser sees it: size, control characters, anchors and
aliases, tags, nesting depth, and numbers of absurd length.

Why each one (measured with PyYAML 6.0.3 / libyaml 0.2.5 on 8 MiB of C stack):
- libyaml builds nodes recursively in C: about 25,000 nested brackets (50 KB) crash the whole
  process with a segmentation fault, so depth must be known before the C parser runs;
- an alias bomb of a few kilobytes is cheap to parse (aliases share nodes) but grows exponentially
  when pydantic or a message walks it; bti writes no anchors, aliases or tags at all, so any of
  them in a file means it was written by something else, and refusing them is the simplest rule
  that cannot be fooled (a tag could otherwise make `!!int` of a million digits, or bytes, or sets);
- a plain number of thousands of digits cannot be printed (Python's 4,300-digit limit), and a
  YAML 1.1 sexagesimal number like 1:2:3:... takes quadratic time to convert.

Two paths. The fast one proves with a few searches in C that none of these can be present, which
holds for nearly every real file and costs 3-6 % of parsing it with libyaml (numbers are
checked as the reader resolves each plain value, at no cost). Otherwise libyaml's scanner
(which does not recurse) lists the tokens and stops at the first one over a limit; stopping early
matters, because the scanner itself is quadratic in the depth of flow brackets.
"""

from __future__ import annotations

import re

import yaml

from bti.errors import FileProblem
from bti.i18n import _

MAX_FILE_BYTES = 1024 * 1024  # a case file is a few kilobytes; bti.yaml will make this settable
MAX_DEPTH = 64  # a case file nests 4 levels deep
MAX_NUMBER_CHARS = 100  # no field holds a number anywhere near this long

# Characters YAML 1.1 allows in a stream (libyaml refuses the others, less plainly).
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Where an anchor (&a), alias (*a) or tag (!t) could begin: at the start, or after a blank, a line
# break, a byte-order mark, a flow indicator or a quote. Anything else there is part of a plain
# scalar. (Each search below starts with a character class, so that the regular expression
# engine skips ahead in C; a lookbehind would be tried at every position, ten times slower.)
_PROPERTY = re.compile("[\\s\ufeff\\[\\]{},:?\"'-](?:[&*]\\S|!)")
_PROPERTY_START = frozenset("&*!")
# The longest run of indentation and block indicators (-, ?, :) that starts a line: a block
# collection starts at a column within that run, and each nested one at a greater column (an
# indentless sequence shares its mapping's column), so block depth <= 2 * (run + 1).
_FAST_RUN = 31
_RUN = "[ \t?:\ufeff-]{%d,}" % (_FAST_RUN + 1)  # noqa: UP031
_LEADING = re.compile("[\n\r\x85\u2028\u2029]" + _RUN)
_LEADING_START = re.compile(_RUN)
_FAST_FLOW = MAX_DEPTH - (_FAST_RUN + 1)  # so the fast path never passes what the exact one refuses
# Characters of every integer and float form in YAML 1.1 and 1.2 (decimal, 0x, 0o, 0b, octal,
# _, sexagesimal, e-10): a plain scalar of only these, with a digit, is or may become a number.
_NUMBERISH = "0-9A-Fa-f_:.+xXoO-"
_NUMBER = re.compile("[%s]+" % _NUMBERISH)  # noqa: UP031
_DIGIT = re.compile("[0-9]")

_OPEN = (
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
)
_CLOSE = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


def check_size(size: int, name: str, max_bytes: int | None = None) -> None:
    """Refuse a file larger than the limit (call it before reading, with the size from stat)."""
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    if size > limit:
        raise FileProblem(
            name,
            1,
            1,
            _("the file is {size} bytes, more than the {limit} bytes a bti file may have").format(
                size=f"{size:,}", limit=f"{limit:,}"
            ),
            code="BTI001",
            hint=_("a case file is a few kilobytes; restore the file from git, or remove it"),
        )


def check(text: str, name: str, max_bytes: int | None = None, *, exact: bool = False) -> None:
    """Raise a FileProblem (code BTI001, with line and column) when `text` is too large, holds a
    character YAML does not allow, an anchor, alias or tag, or nests too deeply; and, when
    `exact` (the tokens are read), a number of absurd length. Linear in the length of the text;
    never runs a YAML parser's recursion. yamlio's libyaml reader checks numbers as it resolves
    each plain value (is_absurd_number), which is free; ruamel's reader asks for `exact`."""
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    if len(text) > limit // 4:  # only then can the UTF-8 size pass the limit
        check_size(len(text.encode("utf-8", "surrogatepass")), name, limit)
    bad = _NOT_PRINTABLE.search(text)
    if bad:
        line, col = _position(text, bad.start())
        raise FileProblem(
            name,
            line,
            col,
            _("a control character ({char}) that YAML text may not hold").format(
                char=f"U+{ord(bad.group()):04X}"
            ),
            code="BTI001",
            hint=_("delete it; if the file came from another program, save it again as plain text"),
        )
    if exact or not _surely_harmless(text):
        _check_tokens(text, name)


def _surely_harmless(text: str) -> bool:
    """True when a few searches in C prove the text holds no anchor, alias or tag and no nesting
    over the limit; False means only that the tokens must tell."""
    no_property = ("&" not in text and "*" not in text and "!" not in text) or (
        text[:1] not in _PROPERTY_START and _PROPERTY.search(text) is None
    )
    return (
        no_property
        and _LEADING_START.match(text) is None
        and _LEADING.search(text) is None
        and text.count("[") + text.count("{") <= _FAST_FLOW
    )


def _check_tokens(text: str, name: str, loader_class: type = yaml.CSafeLoader) -> None:
    loader = loader_class(text)
    depth = 0
    try:
        while loader.check_token():
            token = loader.get_token()
            if isinstance(token, _OPEN):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _problem(
                        name,
                        token.start_mark,
                        _("the values are nested more than {n} levels deep").format(n=MAX_DEPTH),
                        _(
                            "a case file needs only a few levels; check the brackets and "
                            "indentation"
                        ),
                    )
            elif isinstance(token, _CLOSE):
                depth -= 1
            elif isinstance(token, yaml.AliasToken | yaml.AnchorToken):
                raise _problem(
                    name,
                    token.start_mark,
                    _("an anchor (&name) or alias (*name): bti files do not use them"),
                    _("write the value out in full; put text that starts with & or * in quotes"),
                )
            elif isinstance(token, yaml.TagToken):
                raise _problem(
                    name,
                    token.start_mark,
                    _("a YAML tag (a value starting with !): bti files do not use tags"),
                    _("remove the tag; put text that starts with ! in quotes"),
                )
            elif (
                isinstance(token, yaml.ScalarToken)
                and token.plain
                and is_absurd_number(token.value)
            ):
                raise _problem(
                    name,
                    token.start_mark,
                    _("a number {n} characters long: no field takes such a number").format(
                        n=f"{len(token.value):,}"
                    ),
                    _("correct the value; if it is text, put it in quotes"),
                )
    except yaml.YAMLError as err:
        if loader_class is yaml.CSafeLoader and "nesting depth" in str(err):
            # libyaml ≥ 0.2.6 (PyYAML ≥ 6.0.4) stops at its own depth limit, reading ahead past
            # ours before it hands out the first token of a deep flow collection: count the
            # levels with the Python scanner, which hands them out one by one, to name the place
            # where the values go deeper than bti allows.
            _check_tokens(text, name, yaml.SafeLoader)
        # The tokens before the error were within the limits, and the parser will stop at the
        # same place: let it report the syntax error with its own words.
        return
    finally:
        loader.dispose()


def is_absurd_number(value: str) -> bool:
    """Whether a plain value is, or could be read by some YAML version as, a number longer than
    MAX_NUMBER_CHARS (a 120-character plain 1-2-3-... is refused too: quoting it is easy)."""
    return (
        len(value) > MAX_NUMBER_CHARS
        and _NUMBER.fullmatch(value) is not None
        and _DIGIT.search(value) is not None
    )


def _problem(name: str, mark: yaml.Mark, message: str, hint: str) -> FileProblem:
    return FileProblem(name, mark.line + 1, mark.column + 1, message, code="BTI001", hint=hint)


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
