"""Chains of measures (issue 14, seed 003: Elverum's "Fravær – en tiltakskjede"): the template
format, the commands, `bti due`, and the rules BTI700–BTI703 from the commands, the hooks and a real
server refusing hand-made commits."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bti.chains import template_problems
from tests.conftest import (
    HOLDER,
    LEADER,
    NURSE,
    Bti,
    git,
    git_env,
    isolated_environment,
    level1_case,
    push,
    server_with_clone,
)

PINNED = "2026-11-20T10:00:00+01:00"
LATER = "2026-12-04T10:00:00+01:00"  # 14 days after the pinned clock
MUCH_LATER = "2026-12-20T10:00:00+01:00"


def _head(bti: Bti) -> str:
    return git(bti.cwd, "rev-parse", "HEAD").strip()


def _case(bti: Bti, case_id: str) -> dict:
    return json.loads(bti.ok("case", "show", case_id, "--format", "json").output)


def _log_texts(bti: Bti, case_id: str) -> list[str]:
    return [e["text"] for e in _case(bti, case_id)["log"]]


def test_init_ships_elverums_absence_chain(repo: Bti) -> None:
    path = repo.cwd / "templates" / "chains" / "fravaer.yaml"
    assert path.is_file()
    assert template_problems("templates/chains/fravaer.yaml", path.read_bytes()) == []
    assert "fravaer.yaml" in git(repo.cwd, "ls-files", "templates/chains")


def test_a_chain_runs_step_by_step_and_shows_in_due(repo: Bti) -> None:
    case_id = level1_case(repo)
    out = repo.ok(
        "chain", "start", case_id, "fravaer", "--note", "Borte fire mandager.", who=HOLDER
    )
    assert "chain ch1 started" in out.output
    due = json.loads(repo.ok("due", "--format", "json", who=HOLDER).output)
    chain = [d for d in due if d["kind"] == "chain"]
    assert chain[0]["ref"] == "ch1" and chain[0]["due"] == "2026-11-20"
    assert "step 1 of 5" in chain[0]["what"]
    repo.ok("chain", "step", case_id, "ch1", "--note", "Snakket med mor og Ola.", who=HOLDER)
    due = json.loads(repo.ok("due", "--format", "json", "--days", "30", who=HOLDER).output)
    chain = [d for d in due if d["kind"] == "chain"]
    assert chain[0]["due"] == "2026-12-04" and "step 2 of 5" in chain[0]["what"]
    # overdue: the clock has passed the follow-up date
    due = json.loads(repo.ok("due", "--format", "json", now=MUCH_LATER, who=HOLDER).output)
    chain = [d for d in due if d["kind"] == "chain"]
    assert chain[0]["days"] == -16 and "overdue" in chain[0]["when"]
    repo.ok(
        "chain",
        "skip",
        case_id,
        "fravaer",
        "--reason",
        "Møtet ble holdt i trinn 1.",
        who=HOLDER,
        now=LATER,
    )
    due = json.loads(repo.ok("due", "--format", "json", now=LATER, who=HOLDER).output)
    chain = [d for d in due if d["kind"] == "chain"]
    assert chain[0]["due"] == "2026-12-04" and "step 2 was skipped" in chain[0]["what"]
    listed = json.loads(repo.ok("chain", "list", case_id, "--format", "json", now=LATER).output)
    assert listed[0]["id"] == "ch1" and "step 3 of 5" in listed[0]["what"]
    repo.ok(
        "chain", "end", case_id, "ch1", "--reason", "Fraværet har stoppet.", who=HOLDER, now=LATER
    )
    due = json.loads(repo.ok("due", "--format", "json", now=LATER, who=HOLDER).output)
    assert not [d for d in due if d["kind"] == "chain"]
    case = _case(repo, case_id)
    assert [r["action"] for r in case["chains"][0]["records"]] == ["done", "skipped"]
    assert case["chains"][0]["ended"]["by"] == HOLDER


def test_someone_outside_the_case_cannot_record_a_step(repo: Bti) -> None:
    case_id = level1_case(repo)  # consent covers skole and helsestasjon; only skole is involved
    repo.ok("chain", "start", case_id, "fravaer", who=HOLDER)
    head = _head(repo)
    refused = repo("chain", "step", case_id, "ch1", "--note", "Ringte mor.", who=NURSE)
    assert refused.exit_code == 1 and "BTI701" in refused.output, refused.output
    assert "record a step of chain ch1" in refused.output and HOLDER in refused.output
    assert _head(repo) == head
    refused = repo("chain", "start", case_id, "fravaer", who=NURSE)
    assert refused.exit_code == 2  # one is running already: said before any rule
    repo.ok("service", "add", case_id, "helsestasjon", who=HOLDER)
    repo.ok("chain", "step", case_id, "ch1", "--note", "Ringte mor.", who=NURSE)


def test_bad_input_is_said_in_words(repo: Bti) -> None:
    case_id = level1_case(repo)
    unknown = repo("chain", "start", case_id, "mobbing", who=HOLDER)
    assert unknown.exit_code == 2 and "no chain template templates/chains/mobbing.yaml" in (
        unknown.output
    )
    assert "fravaer" in unknown.output
    nothing = repo("chain", "step", case_id, "ch9", "--note", "x", who=HOLDER)
    assert nothing.exit_code == 2 and "has no chain ch9" in nothing.output
    path = repo.cwd / "templates" / "chains" / "fravaer.yaml"
    path.write_text(path.read_text().replace("follow_up_days: 14", "follow_up_days: fjorten", 1))
    broken = repo("chain", "start", case_id, "fravaer", who=HOLDER)
    assert broken.exit_code == 2
    assert "templates/chains/fravaer.yaml:31:5: BTI700" in broken.output, broken.output
    assert "Traceback" not in broken.output


def test_a_template_names_itself_like_its_file_and_may_be_one_language() -> None:
    own = "id: skulk\nname: Skulk\ntrigger: Borte uten grunn.\nsteps:\n  - title: Ring hjem\n"
    assert template_problems("templates/chains/skulk.yaml", own.encode()) == []
    wrong = template_problems("templates/chains/other.yaml", own.encode())
    assert [(v.code, v.line, v.col) for v in wrong] == [("BTI700", 1, 1)]
    assert "make them the same" in wrong[0].message
    bad = template_problems("templates/chains/x.yaml", b"id: x\nname: {de: Kette}\n")
    assert bad and all(v.code == "BTI700" for v in bad)
    assert template_problems("templates/chains/x.yaml", b"- a\n")[0].code == "BTI700"
    assert template_problems("templates/chains/x.yaml", b"id: [\n")[0].code == "BTI700"


# -- the server ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A bare server with the pre-receive hook; a school clone with a case at level 1 whose
    absence chain has its first step done, pushed."""
    base = tmp_path_factory.mktemp("chain-world")
    home = tmp_path_factory.mktemp("chain-home")
    with isolated_environment(home):
        server, school = server_with_clone(base, clone_name="school")
        bti = Bti(school)
        case_id = level1_case(bti)
        bti.ok("chain", "start", case_id, "fravaer", who=HOLDER)
        bti.ok("chain", "step", case_id, "ch1", "--note", "Snakket med mor.", who=HOLDER)
        assert push(school, who=HOLDER)[0] == 0
    return {"server": server, "school": school, "case": Path(str(case_id))}


def _attack(world: dict[str, Path], edit: object, who: str = HOLDER) -> tuple[int, str]:
    """A hand edit committed with --no-verify and pushed: what the server says."""
    school = world["school"]
    head = git(school, "rev-parse", "HEAD").strip()
    path = school / "cases" / f"{world['case']}.yaml"
    assert callable(edit)
    path.write_text(edit(path.read_text()))
    git(school, "commit", "-qam", f"{world['case']}: chain", "--no-verify", env=git_env(who))
    code, err = push(school, who=who)
    git(school, "reset", "-q", "--hard", head)
    return code, err


def _record(step: int, who: str, day: str = "2026-11-20") -> str:
    return f"      - step: {step}\n        action: done\n        date: {day}\n        by: {who}\n"


@pytest.mark.parametrize(
    ("code", "who", "edit"),
    [
        ("BTI701", NURSE, lambda text: text + _record(2, NURSE)),  # outside the case
        ("BTI702", HOLDER, lambda text: text + _record(3, HOLDER)),  # out of order
        ("BTI702", HOLDER, lambda text: text + _record(2, HOLDER, "2026-11-01")),  # backdated
        ("BTI703", HOLDER, lambda text: text.replace("action: done", "action: skipped")),
        ("BTI703", HOLDER, lambda text: text[: text.index("chains:")]),  # the chain removed
    ],
    ids=["outsider", "out-of-order", "backdated", "edited", "removed"],
)
def test_the_server_refuses_a_hand_made_chain_record(
    world: dict[str, Path], code: str, who: str, edit: object
) -> None:
    with isolated_environment(world["school"].parent / "home"):
        before = git(world["server"], "rev-parse", "main")
        pushed, err = _attack(world, edit, who=who)
        assert pushed != 0 and code in err, err
        assert git(world["server"], "rev-parse", "main") == before


def test_the_server_guards_the_chain_templates(world: dict[str, Path]) -> None:
    school = world["school"]
    path = school / "templates" / "chains" / "fravaer.yaml"
    with isolated_environment(school.parent / "home"):
        head = git(school, "rev-parse", "HEAD").strip()
        # a holder changes the municipality's chain: only a leader may (BTI009)
        path.write_text(path.read_text().replace("follow_up_days: 14", "follow_up_days: 7", 1))
        git(school, "commit", "-qam", "kortere frist", "--no-verify", env=git_env(HOLDER))
        pushed, err = push(school, who=HOLDER)
        assert pushed != 0 and "BTI009" in err, err
        git(school, "reset", "-q", "--hard", head)
        # a leader pushes a chain that does not fit the format (BTI700, with its place)
        (school / "templates" / "chains" / "mobbing.yaml").write_text("id: mobbing\nname: M\n")
        git(school, "add", "templates/chains/mobbing.yaml")
        git(school, "commit", "-qm", "ny kjede", "--no-verify", env=git_env(LEADER))
        pushed, err = push(school, who=LEADER)
        assert pushed != 0 and "BTI700" in err and "templates/chains/mobbing.yaml:1:1" in err, err
        git(school, "reset", "-q", "--hard", head)
        # a leader's own chain, in one language, is taken
        own = "id: mobbing\nname: Mobbing\ntrigger: Meldt mobbing.\nsteps:\n  - title: Samtale\n"
        (school / "templates" / "chains" / "mobbing.yaml").write_text(own)
        git(school, "add", "templates/chains/mobbing.yaml")
        git(school, "commit", "-qm", "ny kjede", "--no-verify", env=git_env(LEADER))
        pushed, err = push(school, who=LEADER)
        assert pushed == 0, err
        bti = Bti(school)
        bti.ok("chain", "start", str(world["case"]), "mobbing", who=HOLDER)
        assert push(school, who=HOLDER)[0] == 0


# -- golden: the log texts, the chain list and the due lines in nb, nn and en ---------------------

GOLDEN = Path(__file__).resolve().parent / "golden" / "chains"


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_the_chain_reads_like_the_golden_file(
    tmp_path: Path, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BTI_LANG", lang)  # the person's language too
    git(tmp_path, "init", "-q", "-b", "main")
    bti = Bti(tmp_path)
    bti.ok("init", "--municipality", "Elverum kommune", "--lang", lang)
    bti.ok("person", "add", LEADER, "--name", "Kari Fjellstad", "--service", "skole", "--role",
           "leader,holder")  # fmt: skip
    bti.ok("person", "add", HOLDER, "--name", "Ingrid Strandli", "--service", "skole", "--role",
           "holder")  # fmt: skip
    case_id = bti.ok("case", "new", "--service", "skole", "--name", "Ola Testesen", "--born",
                     "2013-05-02", "--concern", "Mye fravær.", who=HOLDER).output.split()[-1]  # fmt: skip
    out: list[str] = []

    def due(now: str) -> None:
        table = bti.ok("due", "--days", "30", now=now, who=HOLDER).output
        out.append(f"$ bti due   # {now[:10]}")
        out.extend(line.rstrip() for line in table.splitlines() if "ch1" in line)

    bti.ok("chain", "start", case_id, "fravaer", "--note", "Borte fire mandager.", who=HOLDER)
    due(PINNED)
    bti.ok("chain", "step", case_id, "ch1", "--note", "Snakket med mor og Ola.", who=HOLDER)
    due(LATER)
    due(MUCH_LATER)
    bti.ok("chain", "skip", case_id, "ch1", "--reason", "Møtet ble holdt i trinn 1.", who=HOLDER,
           now=MUCH_LATER)  # fmt: skip
    due(MUCH_LATER)
    out.append("$ bti chain list")
    out.extend(
        line.rstrip()
        for line in bti.ok("chain", "list", case_id, now=MUCH_LATER).output.splitlines()
    )
    bti.ok("chain", "end", case_id, "fravaer", "--reason", "Fraværet har stoppet.", who=HOLDER,
           now=MUCH_LATER)  # fmt: skip
    out.append("$ bti case show   # the log")
    for entry in _case(bti, case_id)["log"]:
        if (entry.get("event") or "").startswith("chain:"):
            out.append(f"{entry['time'][:10]}  {entry['text']}")
    text = ("\n".join(out) + "\n").replace(case_id, "2026-XXXXX")  # ids are random
    golden = GOLDEN / f"absence.{lang}.txt"
    if os.environ.get("BTI_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8", newline="")
    assert text == golden.read_bytes().decode("utf-8"), (
        f"{golden.name} differs; if the change is meant, run with BTI_UPDATE_GOLDEN=1"
    )


def _step_by_hand(text: str) -> str:
    """The next step of the case's first chain recorded by editing the file, as a person would."""
    from bti import yamlio

    node = yamlio.rt_load(text)
    chain = node["chains"][0]
    step = len(chain["records"]) + 1
    chain["records"].append({"step": step, "action": "done", "date": "2026-11-20", "by": HOLDER})
    return yamlio.rt_dump(node)


def test_the_server_refuses_a_chain_step_in_a_closed_case(world: dict[str, Path]) -> None:
    school, case_id = world["school"], str(world["case"])
    with isolated_environment(school.parent / "home"):
        bti = Bti(school)
        bti.ok("case", "close", case_id, "--reason", "Flyttet.", who=HOLDER)
        refused = bti("chain", "step", case_id, "ch1", "--note", "Ringte.", who=HOLDER)
        assert refused.exit_code == 2 and "is closed" in refused.output
        assert push(school, who=HOLDER)[0] == 0
        pushed, err = _attack(world, _step_by_hand, who=HOLDER)
        assert pushed != 0 and "BTI704" in err and "reopen it first" in err, err
        story = bti.ok("audit", "log", case_id, "--lang", "en").output
        assert "chain ch1 started (fravaer)" in story and "chain ch1: step 1 done" in story
        bti.ok("case", "reopen", case_id, "--reason", "Tilbake.", who=HOLDER)
        assert push(school, who=HOLDER)[0] == 0
