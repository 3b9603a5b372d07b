"""Corrections of whom a case is about, judged purely: a hand edit of the subject, a guardian or the
owner service is refused (BTI305); a correction by the holder or a leader is lawful, by anyone else
refused (BTI306); no correction gives a consent authority after the fact (BTI108); a consent's
recorded basis matches the case (BTI109). The same through the actions and the story."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from bti import actions, corrections
from bti.errors import InputError
from bti.rules.consent import basis_of
from bti.story import describe
from tests.rulekit import (
    FATHER,
    HOLDER,
    LEADER,
    MOTHER,
    NID,
    NOW,
    NURSE,
    NURSE_LEADER,
    SUBJECT_NAME,
    TEACHER,
    change,
    clean,
    codes,
    consent,
    copy_of,
    entry,
    errors,
    having,
    level0,
    level1,
    make,
    only,
    words,
)

Edit = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Edit:
    def edit(d: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = d
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value

    return edit


def _drop_father(d: dict[str, Any]) -> None:
    del d["guardians"][1]


# (field named in the correction, the hand edit, the location BTI305 points at)
EDITS: list[tuple[str, Edit, tuple[str | int, ...]]] = [
    ("subject.name", _set("subject.name", "Ola Testesen Berg"), ("subject", "name")),
    ("subject.born", _set("subject.born", "2015-03-20"), ("subject", "born")),
    ("subject.kind", _set("subject.kind", "youth"), ("subject", "kind")),
    ("subject.national_id", _set("subject.national_id", NID), ("subject", "national_id")),
    ("owner_service", _set("owner_service", "helsestasjon"), ("owner_service",)),
    ("guardian.1.name", _set("guardians.0.name", "Mari Testesen Vik"), ("guardians", 0, "name")),
    ("guardian.1.relation", _set("guardians.0.relation", "verge"), ("guardians", 0, "relation")),
    (
        "guardian.2.responsibility",
        _set("guardians.1.responsibility", True),
        ("guardians", 1, "responsibility"),
    ),
    ("guardian.2", _drop_father, ("guardians",)),
]
IDS = [e[0] for e in EDITS]


def correction(
    fields: list[str], author: str = HOLDER, reason: str = "Feil i registreringen."
) -> dict[str, Any]:
    return entry(f"Rettet {', '.join(fields)}: {reason}", author=author) | {
        "event": "corrected",
        "corrects": fields,
    }


def edited(before: dict[str, Any], edit: Edit, *log: dict[str, Any]) -> dict[str, Any]:
    after = copy_of(before)
    after["services"] = list(before["services"])
    edit(after)
    if after["owner_service"] != before["owner_service"]:
        after["services"] = [after["owner_service"]]  # level 0 lives in the owner service
    after["log"] += list(log)
    return after


def based(d: dict[str, Any], **kw: Any) -> dict[str, Any]:
    """A consent as 'bti consent add' records it: with its basis, from the case `d`."""
    c = consent(**kw)
    c["basis"] = basis_of(make(d), c["given_by"], dt.date.fromisoformat(c["given"])).model_dump(
        mode="json"
    )
    return c


# -- BTI305: a hand edit is refused; a correction is lawful ----------------------------------------


@pytest.mark.parametrize(("field", "edit", "loc"), EDITS, ids=IDS)
def test_bti305_a_hand_edit_is_refused(field: str, edit: Edit, loc: tuple[str | int, ...]) -> None:
    before = level0()
    after = edited(before, edit, entry("Rettet noe."))
    v = only(change(before, after), "BTI305")
    assert v.loc == loc
    if field == "guardian.2":
        words(v.message, "guardian 2 was removed without a correction", "bti guardian remove")
    else:
        words(v.message, f"{field} was changed without a correction", "bti case correct")
    assert NID not in v.message
    assert codes(errors(change(before, after))) == ["BTI305"]


@pytest.mark.parametrize(("field", "edit", "loc"), EDITS, ids=IDS)
@pytest.mark.parametrize("author", [HOLDER, LEADER, NURSE_LEADER])
def test_bti305_a_correction_by_the_holder_or_a_leader_is_lawful(
    field: str, edit: Edit, loc: object, author: str
) -> None:
    before = level0()
    if author == NURSE_LEADER:  # she leads the owner service, and no holder is named yet
        before["owner_service"] = before["services"][0] = "helsestasjon"
        before["holder"] = None
    after = edited(before, edit, correction([field], author=author))
    if field == "owner_service" and author == NURSE_LEADER:
        _set("owner_service", "skole")(after)
        after["services"] = ["skole"]
    clean(change(before, after, author=author))


@pytest.mark.parametrize(("field", "edit", "loc"), EDITS, ids=IDS)
@pytest.mark.parametrize("author", [TEACHER, NURSE, NURSE_LEADER])
def test_bti306_a_correction_by_anyone_else_is_refused(
    field: str, edit: Edit, loc: tuple[str | int, ...], author: str
) -> None:
    """TEACHER is a holder in the holder's service but not this case's holder; NURSE_LEADER leads
    another service than the holder's and the owner's."""
    before = level0()
    after = edited(before, edit, correction([field], author=author))
    v = only(change(before, after, author=author), "BTI306")
    assert v.loc == loc
    words(v.message, author, "neither the holder nor a leader", "ask the holder")
    assert NID not in v.message
    assert codes(errors(change(before, after, author=author))) == ["BTI306"]


def test_bti306_a_leader_of_the_owner_service_stands_in_only_while_no_holder_is_named() -> None:
    """Issue 11's table: the holder, or a leader of the holder's service."""
    before = level0()
    before["owner_service"] = before["services"][0] = "helsestasjon"  # NURSE_LEADER's service
    edit = _set("subject.born", "2015-03-03")
    after = edited(before, edit, correction(["subject.born"], author=NURSE_LEADER))
    assert "BTI306" in codes(change(before, after, author=NURSE_LEADER))  # HOLDER is in skole


def test_bti305_the_correction_must_name_the_field_and_be_written_by_the_author() -> None:
    before = level0()
    other_field = edited(before, _set("subject.kind", "pregnant"), correction(["subject.born"]))
    assert codes(errors(change(before, other_field))) == ["BTI305"]
    forged = edited(before, _set("subject.kind", "pregnant"), correction(["subject.kind"], LEADER))
    assert codes(errors(change(before, forged))) == [
        "BTI305",
        "BTI308",
    ]  # the entry is not the committer's own
    plain_note = edited(before, _set("subject.kind", "pregnant"), entry("Rettet: gravid."))
    assert codes(errors(change(before, plain_note))) == ["BTI305"]
    both = edited(
        before,
        lambda d: (_set("subject.kind", "youth")(d), _set("subject.born", "2010-01-01")(d)),
        correction(["subject.kind"]),
    )
    assert [v.loc for v in having(change(before, both), "BTI305")] == [("subject", "born")]


def test_opening_a_case_and_adding_a_guardian_need_no_correction() -> None:
    clean(change(None, level0()))
    before = level0()
    after = copy_of(before)
    after["guardians"].append({"name": "Mormor Testesen", "relation": "mormor"})
    after["log"].append(entry("Foresatt registrert (mormor)."))
    clean(change(before, after))


def test_a_removal_and_an_edit_are_told_apart() -> None:
    before = level0()
    after = edited(before, lambda d: (_drop_father(d), _set("guardians.0.relation", "verge")(d)))
    found = having(change(before, after), "BTI305")
    assert sorted(v.message.split(" was")[0] for v in found) == [
        "guardian 2",
        "guardian.1.relation",
    ]


# -- BTI108: no correction gives a consent authority after the fact --------------------------------


def _sixteen(d: dict[str, Any]) -> dict[str, Any]:
    d["subject"]["born"] = "2010-01-01"
    return d


def _legacy_unauthorised(giver: str) -> dict[str, Any]:
    """An older file with a consent that lacked authority when it was given (BTI102 stood there
    already; no basis recorded). The ratchet lets such a file change; a correction must not cure it."""
    d = level0()
    if giver == "Kari Testesen":
        _sixteen(d)  # renamed into the subject, she would be old enough to consent
    d["consents"] = [consent(given_by=[giver], given="2026-09-02")]
    return d


CURES: list[tuple[str, str, Edit]] = [
    ("11-year-old made pregnant", "subject", _set("subject.kind", "pregnant")),
    ("born moved back: 16", "subject", _set("subject.born", "2010-01-01")),
    ("responsibility switched on", FATHER, _set("guardians.1.responsibility", True)),
    ("subject renamed as the giver", "Kari Testesen", _set("subject.name", "Kari Testesen")),
    (
        "guardian renamed as the giver",
        "Mormor Testesen",
        _set("guardians.0.name", "Mormor Testesen"),
    ),
]


@pytest.mark.parametrize(("name", "giver", "edit"), CURES, ids=[c[0] for c in CURES])
def test_bti108_a_correction_cannot_cure_a_consent_without_a_basis(
    name: str, giver: str, edit: Edit
) -> None:
    before = _legacy_unauthorised(giver)
    assert having(change(None, before), "BTI102")
    after = edited(before, edit)
    from bti.rules.correction import changed_fields

    fields = changed_fields(make(before), make(after))
    after["log"].append(correction(fields))
    v = only(change(before, after), "BTI108")
    assert v.loc == ("consents", 0, "given_by")
    words(v.message, "consent c1", "authority after the fact", "record a new consent")


def test_withdrawn_first_the_correction_goes_through() -> None:
    before = _legacy_unauthorised("subject")
    before["consents"][0]["withdrawn"] = {"date": "2026-09-10", "by": HOLDER, "reason": "Ugyldig."}
    after = edited(before, _set("subject.kind", "pregnant"), correction(["subject.kind"]))
    clean(change(before, after))


def test_odd_birth_dates_give_no_fault() -> None:
    before = level0()
    before["subject"]["born"] = "0001-01-01"
    after = copy_of(before)
    after["consents"] = [based(before, given_by=["subject"], given="2026-09-15")]
    after["log"].append(correction(["subject.kind"]))
    clean(change(before, after))


def test_bti108_a_new_guardian_cannot_cure_a_consent_without_a_basis() -> None:
    before = _legacy_unauthorised("Mormor Testesen")
    after = copy_of(before)
    after["guardians"].append({"name": "Mormor Testesen", "relation": "mormor"})
    assert codes(errors(change(before, after))) == ["BTI108"]


@pytest.mark.parametrize(("name", "giver", "edit"), CURES, ids=[c[0] for c in CURES])
def test_a_consent_with_a_basis_is_judged_as_it_was_given(
    name: str, giver: str, edit: Edit
) -> None:
    """The same corrections with a consent recorded by today's bti: the consent keeps lacking
    authority (BTI102 in the corrected case), and the case cannot rely on it."""
    before = _sixteen(level0()) if giver == "Kari Testesen" else level0()
    before["consents"] = [based(before, given_by=[giver])]
    after = edited(before, edit)
    from bti.rules.correction import changed_fields

    after["log"].append(correction(changed_fields(make(before), make(after))))
    assert having(change(None, after), "BTI102")
    raised = copy_of(after)
    raised["level"] = 1
    assert "BTI101" in codes(change(after, raised))


def test_a_correction_does_not_take_authority_from_a_consent_given_lawfully() -> None:
    """The mother consented while she had parental responsibility; correcting it later leaves the
    consent as it was given (a new guardian with responsibility withdraws it if they wish)."""
    before = level1()
    before["consents"] = [based(before)]
    after = edited(
        before, _set("guardians.0.responsibility", False), correction(["guardian.1.responsibility"])
    )
    clean(change(before, after))


def test_bti108_a_new_consent_dated_before_a_correction_it_relies_on() -> None:
    before = level0()
    corrected = edited(before, _set("subject.kind", "pregnant"), correction(["subject.kind"]))
    assert corrected["log"][-1]["time"].startswith("2026-09-15")
    backdated = copy_of(corrected)
    backdated["consents"] = [based(corrected, given_by=["subject"], given="2026-09-10")]
    v = only(change(corrected, backdated), "BTI108")
    assert v.loc == ("consents", 0, "given")
    words(v.message, "dated 2026-09-10", "subject.kind was corrected on 2026-09-15", "today's date")
    today = copy_of(corrected)
    today["consents"] = [based(corrected, given_by=["subject"], given="2026-09-15")]
    clean(change(corrected, today))
    # a guardian's consent does not rest on the subject's kind
    mother = copy_of(corrected)
    mother["consents"] = [based(corrected, given="2026-09-10")]
    clean(change(corrected, mother))


# -- BTI109: the basis matches the case -------------------------------------------------------------


def test_bti109_a_forged_basis_is_refused_and_an_edited_one_is_history() -> None:
    before = level0()
    after = copy_of(before)
    after["consents"] = [based(before, given_by=["subject"], given="2026-09-15")]
    after["consents"][0]["basis"]["kind"] = "pregnant"
    v = only(change(before, after), "BTI109")
    assert v.loc == ("consents", 0, "basis")
    words(v.message, "consent c1", "does not match", "bti consent add")
    lawful = level1()
    lawful["consents"] = [based(lawful)]
    edited_basis = copy_of(lawful)
    edited_basis["consents"][0]["basis"]["givers"][0]["responsibility"] = False
    assert "BTI301" in codes(change(lawful, edited_basis))
    added_later = level1()
    with_basis = copy_of(added_later)
    with_basis["consents"] = [based(added_later)]
    assert "BTI301" in codes(change(added_later, with_basis))


def test_the_consent_command_records_the_basis() -> None:
    case = make(level0())
    act = actions.Act(HOLDER, NOW)
    done = actions.add_consent(
        case,
        act,
        given_by=[MOTHER, FATHER, "subject"],
        services=["skole"],
        purpose="Samarbeid",
        given=NOW.date(),
        expires=None,
    )
    basis = done.case.consents[0].basis
    assert basis is not None and (basis.kind, basis.age) == ("child", 11)
    assert [(g.role, g.responsibility) for g in basis.givers] == [
        ("guardian", True),
        ("guardian", False),
        ("subject", None),
    ]
    assert codes(change(case, done.case)) == ["BTI102", "BTI102"]


# -- the actions: one correction each, judged lawful for the holder ---------------------------------

VALUES = [
    ("subject.name", "Ola Testesen Berg"),
    ("subject.born", "2015-03-20"),
    ("subject.kind", "youth"),
    ("subject.national_id", NID[:6] + " " + NID[6:]),
    ("owner_service", "helsestasjon"),
    ("guardian.1.name", "Mari Testesen Vik"),
    ("guardian.1.relation", "verge"),
    ("guardian.2.responsibility", "ja"),
]


@pytest.mark.parametrize(("field", "value"), VALUES, ids=[v[0] for v in VALUES])
def test_correct_writes_the_change_and_a_logged_reason(field: str, value: str) -> None:
    case = make(level0())
    done = corrections.correct(case, actions.Act(HOLDER, NOW, "en"), field, value, "Typo.")
    last = done.case.log[-1]
    assert (last.event, last.corrects, last.author) == ("corrected", [field], HOLDER)
    assert last.text == f"Corrected {field}: Typo." and done.summary == f"{field} corrected"
    clean(change(case, done.case))
    story = describe(case, done.case, "en")
    assert story[-1] == f"{field} corrected: Typo."
    if field == "owner_service":  # at level 0 the case moves into the new owner service whole
        assert story[:-1] == ["service helsestasjon joined", "service skole left"]
    assert NID not in " ".join(story) + last.text + done.summary
    by_teacher = corrections.correct(case, actions.Act(TEACHER, NOW), field, value, "Typo.")
    assert codes(errors(change(case, by_teacher.case, author=TEACHER))) == ["BTI306"]


def test_remove_guardian_writes_the_removal_and_the_reason() -> None:
    case = make(level0())
    done = corrections.remove_guardian(
        case, actions.Act(HOLDER, NOW, "en"), FATHER, "Wrong family."
    )
    assert [g.name for g in done.case.guardians] == [MOTHER]
    assert done.case.log[-1].corrects == ["guardian.2"] and done.summary == "guardian 2 removed"
    clean(change(case, done.case))
    assert describe(case, done.case, "en") == ["guardian removed (far): Wrong family."]
    by_nurse = corrections.remove_guardian(case, actions.Act(NURSE, NOW), FATHER, "Feil.")
    assert codes(errors(change(case, by_nurse.case, author=NURSE))) == ["BTI306"]


def test_owner_service_at_level_1_keeps_the_old_owner_involved() -> None:
    case = make(level1())
    done = corrections.correct(case, actions.Act(HOLDER, NOW), "owner_service", "ppt", "Feil.")
    assert done.case.services == ["skole", "ppt"] and done.notes
    assert "BTI103" in codes(change(case, done.case))  # ppt joins, and no consent covers it


@pytest.mark.parametrize(
    ("field", "value", "reason", "says"),
    [
        ("subject.born", "2015-13-01", "r", "is not a date"),
        ("subject.born", "2027-01-01", "r", "in the future"),
        ("subject.kind", "boy", "r", "is not a kind"),
        ("subject.national_id", "12345678901", "r", "not valid"),
        ("subject.name", "  ", "r", "is empty"),
        ("subject.name", SUBJECT_NAME, "r", "already has that value"),
        ("owner_service", "Skole Nord", "r", "is not a service id"),
        ("guardian.3.name", "x", "r", "has no guardian 3"),
        ("guardian.1.name", FATHER, "r", "already has that name"),
        ("guardian.1.responsibility", "maybe", "r", "is not yes or no"),
        ("guardian.1.born", "x", "r", "cannot be corrected"),
        ("holder", "x", "r", "cannot be corrected"),
        ("subject.kind", "youth", " ", "reason is empty"),
    ],
)
def test_correct_refuses_what_makes_no_sense(
    field: str, value: str, reason: str, says: str
) -> None:
    with pytest.raises(InputError) as err:
        corrections.correct(make(level0()), actions.Act(HOLDER, NOW), field, value, reason)
    assert says in err.value.render()
    assert "12345678901" not in err.value.render()
