"""The appended-lines reader (checks.parse_appended) is a shortcut the judge takes when a new version
of a case only adds lines at the end. It must never read a file differently from the full parse:
whenever it answers, its answer equals the full parse; otherwise it declines and the file is read
whole. Proven here over reordered, quoted and commented keys and hostile appended text."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bti.checks import parse_appended, parse_case

EXAMPLE = sorted((Path(__file__).resolve().parent.parent / "cases").glob("*.yaml"))[0]


def _blocks(text: str) -> list[list[str]]:
    """The top-level keys of a case file, each with its indented lines."""
    blocks: list[list[str]] = []
    for line in text.splitlines(keepends=True):
        if line.startswith("#"):
            continue
        if line[:1] not in (" ", "") and not line.startswith("- "):
            blocks.append([line])
        else:
            blocks[-1].append(line)
    return blocks


def _quote(line: str, style: int) -> str:
    key, sep, rest = line.partition(":")
    if style == 1:
        return f'"{key}"{sep}{rest}'
    if style == 2:
        return f"'{key}'{sep}{rest}"
    return line


ENTRY = (
    "  - time: 2026-11-20T10:00:00+01:00\n"
    "    author: eva.barnehage@fjordvik.example\n"
    "    kind: note\n"
    "    text: {text}\n"
)

texts = st.text(
    alphabet=st.sampled_from(list("abc æøå:-#'\"&*!|>[]{}?%@`,.0123456789")),
    min_size=1,
    max_size=30,
)
tails = st.one_of(
    texts.map(lambda t: ENTRY.format(text="x" + t.replace("\n", " "))),
    st.lists(
        st.tuples(st.integers(0, 6), texts).map(lambda p: " " * p[0] + p[1]),
        min_size=1,
        max_size=4,
    ).map(lambda lines: "\n".join(lines) + "\n"),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    order=st.permutations(range(len(_blocks(EXAMPLE.read_text())))),
    log_last=st.booleans(),
    quotes=st.lists(st.integers(0, 2), min_size=40, max_size=40),
    comment=st.booleans(),
    tail=tails,
)
def test_the_shortcut_equals_the_full_parse_or_declines(
    order: list[int], log_last: bool, quotes: list[int], comment: bool, tail: str
) -> None:
    blocks = _blocks(EXAMPLE.read_text())
    if log_last:  # the shape the shortcut answers for: half the examples
        log = next(i for i, b in enumerate(blocks) if b[0].startswith("log:"))
        order = [i for i in order if i != log] + [log]
    lines: list[str] = []
    for i in order:
        head, *rest = blocks[i]
        lines += [_quote(head, quotes[i]), *rest]
    if comment:
        lines.append("# a comment at the end\n")
    old = "".join(lines)
    previous = parse_case(old, EXAMPLE.name)
    assert previous.case is not None, previous.problems
    new = old + tail
    fast = parse_appended(previous, new.encode(), EXAMPLE.name)
    if fast is None:
        return  # declined: the judge reads the file whole
    whole = parse_case(new, EXAMPLE.name)
    assert whole.case is not None
    assert fast.case == whole.case


def test_the_shortcut_answers_for_a_plain_appended_entry() -> None:
    old = EXAMPLE.read_text()
    new = old + ENTRY.format(text="Samtale med mor.")
    fast = parse_appended(parse_case(old, EXAMPLE.name), new.encode(), EXAMPLE.name)
    assert fast is not None and fast.case == parse_case(new, EXAMPLE.name).case


def test_the_attack_of_the_issue_is_declined() -> None:
    """A quoted key moved to the end: lines appended after it are not log entries."""
    blocks = _blocks(EXAMPLE.read_text())
    others = [b for b in blocks if not b[0].startswith("measures:")]
    reordered = "".join(line for b in others for line in b) + '"measures": []\n'
    previous = parse_case(reordered, EXAMPLE.name)
    assert previous.case is not None
    assert parse_appended(previous, (reordered + ENTRY.format(text="x")).encode(), "x") is None
