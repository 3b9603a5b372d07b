"""The merge by meaning, on texts: unions of histories, one-sided changes, real conflicts, ids made
on both sides at once, comments — and random interleavings of appends and syncs (hypothesis)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bti import store, yamlio
from bti.checks import judge_change, parse_case
from bti.merge import reference
from bti.mergefile import merge_texts
from bti.models import Case
from bti.rules import Context
from tests.rulekit import CONFIG, HOLDER, NURSE, PEOPLE, at, entry, level1, measure

PATH = "cases/2026-7KQ3M.yaml"


def text_of(data: dict[str, Any]) -> str:
    """The file bti would write for this case."""
    case = Case.model_validate(data)
    return yamlio.rt_dump(
        yamlio.to_node(store.dump(case)), header=store.schema_header("case", depth=1)
    )


def read(text: str) -> dict[str, Any]:
    data = yaml.load(text, Loader=yaml.CSafeLoader)
    assert isinstance(data, dict)
    return data


def append(text: str, time: str, author: str, words: str) -> str:
    """A log entry added the way a command adds it: lines at the end of the file."""
    return text + (f"  - time: {time}\n    author: {author}\n    kind: note\n    text: {words}\n")


def texts(data: dict[str, Any]) -> list[str]:
    return [e["text"] for e in data["log"]]


BASE = text_of(level1())


def test_entries_from_both_sides_are_one_time_ordered_log() -> None:
    ours = append(append(BASE, at("2026-09-10"), HOLDER, "A1"), at("2026-09-12"), HOLDER, "A2")
    theirs = append(BASE, at("2026-09-11"), NURSE, "B1")
    theirs = append(theirs, at("2026-09-12"), HOLDER, "A2")  # the same entry on both sides
    result = merge_texts(BASE, ours, theirs, PATH)
    assert result.clean and not result.renumbered
    merged = read(result.text)
    assert texts(merged)[-3:] == ["A1", "B1", "A2"]
    assert parse_case(result.text, PATH).case is not None
    assert "<<<<<<<" not in result.text


def test_a_field_changed_on_one_side_takes_that_side() -> None:
    ours = append(BASE.replace("step: 1", "step: 2"), at("2026-09-10"), HOLDER, "A1")
    theirs = append(BASE.replace("level: 1", "level: 2"), at("2026-09-11"), NURSE, "B1")
    merged = read(merge_texts(BASE, ours, theirs, PATH).text)
    assert (merged["level"], merged["step"]) == (2, 2)


def test_the_same_field_changed_differently_is_a_conflict_in_plain_words() -> None:
    ours = append(BASE.replace("step: 1", "step: 2"), at("2026-09-10"), HOLDER, "A1")
    theirs = append(BASE.replace("step: 1", "step: 3"), at("2026-09-11"), NURSE, "B1")
    result = merge_texts(BASE, ours, theirs, PATH)
    assert not result.clean
    assert result.messages(PATH, "on the server") == [
        f"{PATH}: case 2026-7KQ3M: step was changed on both sides — yours: 2; on the server: 3"
    ]
    merged = read(result.text)
    assert merged["step"] == 2 and texts(merged)[-2:] == ["A1", "B1"]
    assert merged["merge_conflict"] == [{"field": "step", "yours": 2, "incoming": 3}]
    assert "<<<<<<<" not in result.text
    problems = parse_case(result.text, PATH).problems
    assert [p.code for p in problems] == ["BTI002"] and "merge_conflict" in problems[0].message
    assert result.text.startswith("# yaml-language-server")


def test_records_made_on_both_sides_at_once_get_distinct_ids() -> None:
    base = level1()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["measures"].append({**measure("m2"), "text": "Leksehjelp", "start": "2026-09-12"})
    ours["log"].append(entry("Tiltak m2 satt i gang.", at("2026-09-12")))
    theirs["measures"].append({**measure("m2"), "text": "Samtaler", "start": "2026-09-11"})
    theirs["log"].append(entry("Tiltak m2 satt i gang (helse).", at("2026-09-11"), NURSE))
    result = merge_texts(text_of(base), text_of(ours), text_of(theirs), PATH)
    assert result.clean and result.renumbered == {"m2": "m3"}
    merged = read(result.text)
    assert [(m["id"], m["text"]) for m in merged["measures"]][1:] == [
        ("m2", "Samtaler"),
        ("m3", "Leksehjelp"),
    ]
    assert texts(merged)[-2:] == ["Tiltak m2 satt i gang (helse).", "Tiltak m3 satt i gang."]
    assert parse_case(result.text, PATH).case is not None
    assert "your new measure m2 is now m3" in result.messages(PATH)[0]


def test_evaluations_of_one_measure_on_both_sides_are_both_kept() -> None:
    base = level1()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)

    def evaluation(day: str, note: str, by: str) -> dict[str, Any]:
        return {"date": day, "outcome": "continue", "note": note, "by": by}

    ours["measures"][0]["evaluations"].append(evaluation("2026-09-14", "Bedre", HOLDER))
    theirs["measures"][0]["evaluations"].append(evaluation("2026-09-13", "Litt bedre", NURSE))
    result = merge_texts(text_of(base), text_of(ours), text_of(theirs), PATH)
    assert result.clean
    notes = [e["note"] for e in read(result.text)["measures"][0]["evaluations"]]
    assert notes == ["Litt bedre", "Bedre"]


def test_one_handover_answered_differently_on_both_sides_is_a_conflict() -> None:
    base = level1()
    base["handovers"] = [
        {"id": "h1", "to": NURSE, "offered_by": HOLDER, "offered": at("2026-09-10")}
    ]
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["handovers"][0].update(status="accepted", answered=at("2026-09-11"))
    ours["holder"] = NURSE
    theirs["handovers"][0].update(status="declined", answered=at("2026-09-11", "10:00"))
    result = merge_texts(text_of(base), text_of(ours), text_of(theirs), PATH)
    labels = [c.label for c in result.conflicts]
    # The field as `bti sync --take` names it.
    assert labels == ["handovers.h1.status", "handovers.h1.answered"]
    assert read(result.text)["holder"] == NURSE  # only one side changed it


def test_comments_and_key_order_survive_on_either_side() -> None:
    edited = BASE.replace("level: 1\n", "level: 1  # avtalt med mor\n")
    lines = edited.splitlines(keepends=True)
    holder = next(i for i, line in enumerate(lines) if line.startswith("holder:"))
    lines.insert(2, lines.pop(holder))
    edited = "".join(lines).replace("consents:\n", "# samtykker nedenfor\nconsents:\n")
    hand = append(edited, at("2026-09-10"), HOLDER, "A1")  # edited by hand, then an entry
    plain = append(BASE, at("2026-09-11"), NURSE, "B1")  # only what bti writes
    for a, b in ((hand, plain), (plain, hand)):
        text = merge_texts(BASE, a, b, PATH).text
        assert "level: 1  # avtalt med mor\n" in text
        assert "# samtykker nedenfor\nconsents:\n" in text
        assert text.splitlines()[2].startswith("holder:")
        assert texts(read(text))[-2:] == ["A1", "B1"]


def test_an_unreadable_version_is_not_merged_and_yours_is_kept() -> None:
    ours = append(BASE, at("2026-09-10"), HOLDER, "A1")
    result = merge_texts(BASE, ours, "id: [unclosed\n", PATH)
    assert not result.clean and result.text == ours
    assert "cannot be read" in (result.problem or "")


def test_the_reference_of_a_resolved_conflict_takes_the_chosen_side() -> None:
    ours = append(BASE.replace("step: 1", "step: 2"), at("2026-09-10"), HOLDER, "A1")
    theirs = append(BASE.replace("step: 1", "step: 3"), at("2026-09-11"), NURSE, "B1")
    merged = read(merge_texts(BASE, ours, theirs, PATH).text)
    del merged["merge_conflict"]
    now = dt.datetime(2026, 9, 15, 12, tzinfo=dt.UTC)
    ctx = Context(CONFIG, PEOPLE, now, HOLDER, PATH)
    for step, lawful in ((3, True), (2, True), (4, False)):
        result = {**merged, "step": step}
        ref = reference(BASE, ours, theirs, result, PATH)
        assert ref is not None
        expected = step if lawful else 2
        assert ref["step"] == expected
        before = parse_case(text_of(ref), PATH)
        after = parse_case(text_of(result), PATH)
        assert bool(judge_change(before, after, ctx)) is False or not lawful


# -- any order of appends and syncs gives the union --------------------------------------------------

AUTHORS = [HOLDER, NURSE, "per.barnevern@fjordvik.example"]


@settings(max_examples=40, deadline=None)
@given(
    clones=st.integers(min_value=2, max_value=3),
    steps=st.lists(
        st.tuples(st.sampled_from(["add", "add", "sync"]), st.integers(0, 2)),
        min_size=1,
        max_size=14,
    ),
)
def test_any_interleaving_of_appends_and_syncs_gives_the_union(
    clones: int, steps: list[tuple[str, int]]
) -> None:
    server = BASE
    local = [BASE] * clones
    synced = [BASE] * clones  # the server's text when each clone last synced
    made: list[str] = []
    minute = 0

    def sync(i: int) -> None:
        nonlocal server
        if local[i] == synced[i]:
            local[i] = server
        elif server != synced[i]:
            result = merge_texts(synced[i], local[i], server, PATH)
            assert result.clean, result.messages(PATH)
            local[i] = result.text
        server = synced[i] = local[i]

    for action, who in steps:
        i = who % clones
        if action == "add":
            minute += 1
            words = f"entry {minute} from clone {i}"
            time = (dt.datetime(2026, 9, 20, 8) + dt.timedelta(minutes=minute)).isoformat()
            local[i] = append(local[i], time + "+02:00", AUTHORS[i], words)
            made.append(words)
        else:
            sync(i)
    for i in list(range(clones)) * 2:
        sync(i)
    final = read(server)
    added = [t for t in texts(final) if t.startswith("entry ")]
    assert added == made  # each once, in time order (made in time order)
    assert all(text == server for text in local)
    assert parse_case(server, PATH).case is not None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["id", "level", "log", "holder", "consents", "x"]),
            st.one_of(
                st.integers(-2, 5),
                st.text(max_size=5),
                st.lists(
                    st.one_of(
                        st.integers(0, 3), st.dictionaries(st.just("id"), st.text(max_size=2))
                    ),
                    max_size=3,
                ),
                st.none(),
            ),
            max_size=5,
        ),
        min_size=3,
        max_size=3,
    )
)
def test_any_three_versions_merge_without_a_traceback(versions: list[dict[str, Any]]) -> None:
    base, ours, theirs = (yaml.safe_dump(v) for v in versions)
    result = merge_texts(base, ours, theirs, PATH)
    assert "<<<<<<<" not in result.text
    result.messages(PATH)


# -- new work in a case closed on the other side (issue 11) ---------------------------------------


def _closed_and_worked() -> tuple[dict, dict, dict]:
    base = {"id": "2026-7KQ3M", "status": "open", "log": [{"time": "t1", "text": "Åpnet."}]}
    closed = {**base, "status": "closed", "log": [*base["log"], {"time": "t2", "text": "Slutt."}]}
    worked = {**base, "log": [*base["log"], {"time": "t3", "text": "Samtale."}]}
    return base, closed, worked


def test_new_work_in_a_case_closed_on_the_other_side_is_a_conflict() -> None:
    from bti.merge import merge_data

    base, closed, worked = _closed_and_worked()
    merged = merge_data(base, worked, closed)
    assert [(c.loc, c.closed_by) for c in merged.conflicts] == [(("status",), "theirs")]
    assert merge_data(base, closed, worked).conflicts[0].closed_by == "ours"
    # closed on one side, nothing new on the other: no conflict
    assert merge_data(base, base, closed).conflicts == []


def test_the_lawful_merge_of_closed_and_new_work_is_the_closed_side_or_a_reopening() -> None:
    from bti.merge import merge_data, reference

    base, closed, worked = _closed_and_worked()
    texts = [json.dumps(d) for d in (base, worked, closed)]
    union = merge_data(base, worked, closed).data
    kept_closed = reference(*texts, {**union, "status": "closed"})
    assert kept_closed == closed  # the new records would be additions to a closed case
    reopened = reference(*texts, {**union, "status": "open"})
    assert reopened is not None and reopened["status"] == "closed"
    assert reopened["log"] == union["log"]  # so the merge itself must reopen it, with a reason
