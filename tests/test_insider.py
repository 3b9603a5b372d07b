"""A hostile colleague with push access who has read the source.

Every attack is built the way such a person would build it — commits made with `--no-verify`, trees
and merges made with git's plumbing (`commit-tree`, `update-index`, `mktree`), forged dates, tags and
notes — and pushed to a real bare server with bti's pre-receive hook. Each must be refused with its
rule code, leaving the server's refs exactly as they were. Then the same commits, planted in the
attacker's own clone where no hook ran, must be named by `bti audit verify`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import (
    HOLDER,
    LEADER,
    NURSE,
    OUTSIDER,
    STAFF,
    Bti,
    git,
    git_env,
    isolated_environment,
    push,
    server_with_clone,
)

OTHER = "per.barnevern@fjordvik.example"
FORMER = "fride.tidligere@fjordvik.example"
FNR = "09821750056"  # synthetic (month + 80)


@dataclass
class World:
    base: Path
    server: Path
    clone: Path
    case_id: str

    @property
    def case(self) -> Path:
        return self.clone / "cases" / f"{self.case_id}.yaml"

    def git(self, *args: str, who: str = HOLDER, env: dict[str, str] | None = None) -> str:
        return git(self.clone, *args, env={**git_env(who), **(env or {})})

    def commit(
        self, message: str = "edit", who: str = HOLDER, env: dict[str, str] | None = None
    ) -> str:
        """Everything in the work tree, committed without the hooks."""
        self.git("add", "-A", who=who)
        self.git("commit", "-q", "--no-verify", "-m", message, who=who, env=env)
        return self.git("rev-parse", "HEAD").strip()

    def plumb(self, tree: str, *parents: str, who: str = HOLDER, message: str = "x") -> str:
        """A commit made with `git commit-tree`, which no client hook ever sees, signed with
        `who`'s own key (commit-tree signs only when asked): only its content is hostile."""
        args = ["commit-tree", "-S", tree, *(a for p in parents for a in ("-p", p)), "-m", message]
        return self.git(*args, who=who).strip()

    def move_main(self, sha: str) -> None:
        self.git("reset", "-q", "--hard", sha)

    def push(self, *refspecs: str, who: str = HOLDER) -> tuple[int, str]:
        return push(self.clone, *refspecs, who=who)

    def server_refs(self) -> str:
        return git(self.server, "for-each-ref", "--format=%(refname) %(objectname)")


def _build_world(base: Path) -> World:
    staff = [
        *STAFF,
        (OTHER, "Per Lyngmo", "barnevern", "holder"),
        (FORMER, "Fride Tidligere", "skole", "holder"),
    ]
    server, clone = server_with_clone(base, staff, "desk")
    bti = Bti(clone)
    case_id = bti.ok(
        "case", "new", "--service", "skole", "--name", "Mathea Lund", "--born", "2014-11-30",
        "--concern", "Spiser lite i skolen.", who=HOLDER,
    ).output.strip().splitlines()[-1]  # fmt: skip
    bti.ok("guardian", "add", case_id, "--name", "Anders Lund", "--relation", "far", who=HOLDER)
    bti.ok(
        "consent", "add", case_id, "--given-by", "Anders Lund", "--services",
        "skole,helsestasjon", "--purpose", "Samarbeid", who=HOLDER,
    )  # fmt: skip
    bti.ok("level", "set", case_id, "1", "--reason", "Far samtykker", who=HOLDER)
    bti.ok("service", "add", case_id, "helsestasjon", who=HOLDER)
    bti.ok(
        "measure", "add", case_id, "Samtaler", "--responsible", NURSE, "--service",
        "helsestasjon", "--evaluate-by", "2027-01-15", who=HOLDER,
    )  # fmt: skip
    code, err = World(base, server, clone, case_id).push(who=LEADER)
    assert code == 0, err
    return World(base, server, clone, case_id)


@pytest.fixture(scope="module")
def _world_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("insider")
    with isolated_environment(tmp_path_factory.mktemp("insider-home")):
        _build_world(base)
    return base


@pytest.fixture
def world(tmp_path: Path, _world_template: Path) -> Iterator[World]:
    """A server with bti's pre-receive hook and the attacker's clone, a case at level 1."""
    base = tmp_path / "w"
    shutil.copytree(_world_template, base, symlinks=True)
    clone = base / "desk"
    git(clone, "remote", "set-url", "origin", str(base / "server.git"))
    case_id = next(p.stem for p in (clone / "cases").glob("*.yaml"))
    yield World(base, base / "server.git", clone, case_id)


def _case_edit(world: World, old: str, new: str) -> None:
    text = world.case.read_text()
    assert old in text, old
    world.case.write_text(text.replace(old, new, 1))


def _entry(time: str, author: str = HOLDER, text: str = "Samtale.") -> str:
    return f"  - time: {time}\n    author: {author}\n    kind: note\n    text: {text}\n"


def _tree_without(world: World, *paths: str) -> str:
    world.git("rm", "-q", "--cached", *paths)
    tree = world.git("write-tree").strip()
    world.git("reset", "-q")
    return tree


# -- the attacks --------------------------------------------------------------------------------
# Each builds its commits in the clone and returns the refspecs to push; `audited` says whether the
# attack is on the clone's main history, where `bti audit verify` must find it too.

Attack = Callable[[World], list[str]]
ATTACKS: list[tuple[str, str, bool, Attack]] = []


def attack(name: str, code: str, *, audited: bool = True) -> Callable[[Attack], Attack]:
    def wrap(func: Attack) -> Attack:
        ATTACKS.append((name, code, audited, func))
        return func

    return wrap


@attack("a copy of a case with another holder in a sub-folder", "BTI008")
def _copy_in_subfolder(w: World) -> list[str]:
    (w.clone / "cases" / "sub").mkdir()
    text = w.case.read_text().replace(f"holder: {HOLDER}", f"holder: {OTHER}")
    (w.clone / "cases" / "sub" / w.case.name).write_text(text)
    w.commit()
    return []


@attack("a new case in cases/arkiv/, invisible to case list", "BTI008")
def _archive_folder(w: World) -> list[str]:
    (w.clone / "cases" / "arkiv").mkdir()
    (w.clone / "cases" / "arkiv" / "2026-ZZZZZ.yaml").write_text(
        w.case.read_text().replace(w.case_id, "2026-ZZZZZ")
    )
    w.commit()
    return []


@attack("CASES/<id>.yaml", "BTI008")
def _upper_case_folder(w: World) -> list[str]:
    (w.clone / "CASES").mkdir()
    (w.clone / "CASES" / w.case.name).write_text(w.case.read_text())
    w.commit()
    return []


@attack("a hidden cases/.x.yaml", "BTI008")
def _hidden_case(w: World) -> list[str]:
    (w.clone / "cases" / ".x.yaml").write_text(w.case.read_text())
    w.commit()
    return []


@attack("notes.txt with a national id", "BTI008")
def _notes(w: World) -> list[str]:
    (w.clone / "notes.txt").write_text(f"Husk {FNR}\n")
    w.commit()
    return []


@attack("a README with a national id", "BTI501")
def _readme_with_id(w: World) -> list[str]:
    (w.clone / "README.md").write_text(f"Kontakt: {FNR[:6]} {FNR[6:]}\n")
    w.commit()
    return []


# §8: a national id in every disguise, and names in every form, wherever text is written.
_ZWSP, _NBSP = "\u200b", "\u00a0"
_DISGUISED = f"{FNR[:2]}.{FNR[2:4]}.{FNR[4:6]}{_NBSP}{FNR[6:8]}{_ZWSP}{FNR[8:]}"


@attack("a disguised national id in a YAML comment of a case", "BTI501")
def _id_in_comment(w: World) -> list[str]:
    w.case.write_text(w.case.read_text() + f"# fnr {_DISGUISED}\n")
    w.commit()
    return []


@attack("a national id split over a line break in people.yaml, by a leader", "BTI501")
def _id_in_people(w: World) -> list[str]:
    path = w.clone / "people.yaml"
    path.write_text(path.read_text() + f"# {FNR[:6]}\n# {FNR[6:]}\n")
    w.commit(who=LEADER)
    return []


@attack("a national id in Arabic-Indic digits in a commit message", "BTI503")
def _id_in_other_digits(w: World) -> list[str]:
    digits = "".join(chr(0x0660 + int(d)) for d in FNR)
    (w.clone / "README.md").write_text("Oppdatert\n")
    w.commit(message=f"README: {digits}")
    return []


@attack("the child's surname in the genitive, another file staged", "BTI502")
def _surname_genitive(w: World) -> list[str]:
    (w.clone / "README.md").write_text("Oppdatert\n")
    w.commit(message="Møte om Lunds skolegang")
    return []


@attack("the child's name with a zero-width space inside", "BTI502")
def _name_with_zwsp(w: World) -> list[str]:
    (w.clone / "README.md").write_text("Oppdatert\n")
    w.commit(message=f"Samtale med Mat{_ZWSP}hea")
    return []


@attack("a file named by a national id", "BTI504")
def _file_named_by_id(w: World) -> list[str]:
    (w.clone / "cases" / f"{FNR}.yaml").write_text(w.case.read_text())
    w.commit()
    return []


@attack("a file larger than the limit", "BTI021")
def _large_file(w: World) -> list[str]:
    (w.clone / "README.md").write_text("Lorem ipsum dolor sit amet.\n" * 80_000)  # 2.2 MB
    w.commit()
    return []


@attack("a symbolic link to /dev/zero named as a case", "BTI020")
def _symlink(w: World) -> list[str]:
    os.symlink("/dev/zero", w.clone / "cases" / "2026-ZZZZ1.yaml")
    w.commit()
    return []


@attack("a submodule entry made with update-index", "BTI020")
def _submodule(w: World) -> list[str]:
    head = w.git("rev-parse", "HEAD").strip()
    w.git("update-index", "--add", "--cacheinfo", f"160000,{head},cases/2026-ZZZZ2.yaml")
    w.git("commit", "-q", "--no-verify", "-m", "sub")
    return []


@attack(".gitattributes changed by a holder (merge driver off)", "BTI009")
def _gitattributes(w: World) -> list[str]:
    (w.clone / ".gitattributes").write_text("cases/*.yaml -merge\n")
    w.commit()
    return []


@attack("a schema changed by someone outside the directory", "BTI010")
def _schema_by_outsider(w: World) -> list[str]:
    (w.clone / "schemas" / "case.schema.json").write_text("{}\n")
    w.commit(who=OUTSIDER)
    return []


@attack("a template changed by a holder", "BTI009")
def _template_by_holder(w: World) -> list[str]:
    path = w.clone / "templates" / "meeting-agenda.nb.md.j2"
    path.write_text(path.read_text() + "\n{{ case }}\n")
    w.commit()
    return []


@attack("a template that does not parse, by a leader", "BTI011")
def _broken_template(w: World) -> list[str]:
    (w.clone / "templates" / "meeting-agenda.nb.md.j2").write_text("{% for x in %}\n")
    w.commit(who=LEADER)
    return []


@attack("a template that reaches for Python's internals, by a leader", "BTI011")
def _template_internals(w: World) -> list[str]:
    payload = "{{ ''.__class__.__mro__[1].__subclasses__() }}\n"
    (w.clone / "templates" / "meeting-agenda.nb.md.j2").write_text(payload)
    w.commit(who=LEADER)
    return []


@attack("hostile YAML in a case (an alias bomb)", "BTI001")
def _alias_bomb(w: World) -> list[str]:
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n"
    w.case.write_text(w.case.read_text() + bomb)
    w.commit()
    return []


@attack("a note pushed to refs/notes/commits", "BTI607", audited=False)
def _notes_ref(w: World) -> list[str]:
    w.git("notes", "add", "-m", f"Fnr {FNR}", "HEAD")
    return ["refs/notes/commits"]


@attack("an annotated tag whose message holds a national id", "BTI503", audited=False)
def _tag_message(w: World) -> list[str]:
    w.git("tag", "-a", "v1", "-m", f"Sak for {FNR}")
    return ["refs/tags/v1"]


@attack("a branch named after the child", "BTI502", audited=False)
def _branch_named_after_child(w: World) -> list[str]:
    return ["HEAD:refs/heads/mathea-lund"]


@attack("a tag named by a national id", "BTI503", audited=False)
def _tag_named_by_id(w: World) -> list[str]:
    w.git("tag", f"sak-{FNR}")
    return [f"refs/tags/sak-{FNR}"]


@attack("an annotated tag whose message names the child", "BTI502", audited=False)
def _tag_names_child(w: World) -> list[str]:
    w.git("tag", "-a", "v2", "-m", "Avsluttet for Mathea")
    return ["refs/tags/v2"]


@attack("the bootstrap reopened on a branch from before the first person", "BTI009")
def _bootstrap_on_old_branch(w: World) -> list[str]:
    first = w.git("rev-list", "--max-parents=0", "HEAD").strip()  # `bti init`: nobody yet
    w.git("checkout", "-q", "-b", "early", first)
    people = f"people:\n  - {{email: {OUTSIDER}, name: Ukjent, service: skole, roles: [leader]}}\n"
    (w.clone / "people.yaml").write_text(people)
    side = w.commit("people.yaml: person added", who=OUTSIDER)
    w.git("checkout", "-q", "main")
    w.git("merge", "-q", "--no-ff", "--no-verify", "-X", "theirs", "-m", "merge", side)
    return []


@attack("a backdated commit adds a service under a consent that has expired", "BTI107")
def _expired_consent_backdated(w: World) -> list[str]:
    consent = (
        "  - id: c2\n    given_by:\n      - Anders Lund\n    services:\n      - ppt\n"
        "    purpose: Utredning\n    given: 2026-10-01\n    expires: 2026-11-10\n"
        f"    recorded_by: {HOLDER}\n"
    )
    _case_edit(w, "handovers:", consent.rstrip("\n") + "\nhandovers:")
    _case_edit(w, "  - helsestasjon\nholder:", "  - helsestasjon\n  - ppt\nholder:")
    w.commit(env={"GIT_COMMITTER_DATE": "2026-11-05T10:00:00+01:00"})
    return []


@attack("a tag of a blob (content outside any commit)", "BTI607", audited=False)
def _tag_of_blob(w: World) -> list[str]:
    blob = subprocess.run(
        ["git", "hash-object", "-w", "--stdin"],
        cwd=w.clone,
        input=f"{FNR}\n",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    w.git("tag", "blobtag", blob)
    return ["refs/tags/blobtag"]


@attack("an octopus merge that deletes a case", "BTI604")
def _octopus(w: World) -> list[str]:
    tree = _tree_without(w, f"cases/{w.case.name}")
    sha = w.plumb(tree, "HEAD", "HEAD~1", "HEAD~2")
    w.move_main(sha)
    return []


@attack("a merge with an unrelated history that makes an outsider a leader", "BTI605")
def _orphan_merge(w: World) -> list[str]:
    people = (
        "people:\n"
        f"  - {{email: {OUTSIDER}, name: Ukjent, service: skole, roles: [leader, holder]}}\n"
    )
    blob = subprocess.run(
        ["git", "hash-object", "-w", "--stdin"],
        cwd=w.clone,
        input=people,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    orphan_tree = subprocess.run(
        ["git", "mktree"],
        cwd=w.clone,
        input=f"100644 blob {blob}\tpeople.yaml\n",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    orphan = w.plumb(orphan_tree, who=OUTSIDER)
    head_tree = w.git("rev-parse", "HEAD^{tree}").strip()
    w.git("read-tree", head_tree)
    w.git("update-index", "--add", "--cacheinfo", f"100644,{blob},people.yaml")
    merged = w.git("write-tree").strip()
    w.move_main(w.plumb(merged, "HEAD", orphan, who=OUTSIDER))
    return []


@attack("a second root commit on a new branch", "BTI606", audited=False)
def _second_root(w: World) -> list[str]:
    root = w.plumb(w.git("rev-parse", "HEAD^{tree}").strip())
    return [f"{root}:refs/heads/fresh"]


@attack("bti.yaml deleted by a leader (no case rule would run)", "BTI022")
def _delete_config(w: World) -> list[str]:
    (w.clone / "bti.yaml").unlink()
    w.commit(who=LEADER)
    return []


@attack("people.yaml emptied by a leader (reopening the bootstrap)", "BTI022")
def _empty_people(w: World) -> list[str]:
    (w.clone / "people.yaml").write_text("schema_version: 1\npeople: []\n")
    w.commit(who=LEADER)
    return []


@attack("a two-parent merge whose tree drops a case", "BTI302")
def _merge_drops_case(w: World) -> list[str]:
    w.git("checkout", "-q", "-b", "side", "HEAD~1")
    (w.clone / "README.md").write_text("Sidegren\n")
    side = w.commit()
    w.git("checkout", "-q", "main")
    tree = _tree_without(w, f"cases/{w.case.name}")
    w.move_main(w.plumb(tree, "HEAD", side))
    return []


@attack("a broken version, then a 'repair' with a forged holder", "BTI202")
def _broken_then_forged(w: World) -> list[str]:
    original = w.case.read_text()
    w.case.write_text(original + "holder: [\n")
    w.commit("broken")
    w.case.write_text(original.replace(f"holder: {HOLDER}", f"holder: {OTHER}"))
    w.commit("repaired")
    return []


@attack("a broken bti.yaml (no rule would run), then a forged holder", "BTI202")
def _broken_settings_then_forged(w: World) -> list[str]:
    config = w.clone / "bti.yaml"
    config.write_text(config.read_text() + "rules: [\n")
    w.commit("bti.yaml", who=LEADER)
    _case_edit(w, f"holder: {HOLDER}", f"holder: {OTHER}")
    w.commit("holder")
    return []


@attack("entries appended after a quoted key the fast reader took for 'log:'", "BTI002")
def _quoted_key(w: World) -> list[str]:
    lines = w.case.read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("measures:"))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith(" "))
    block = ['"measures":\n', *lines[start + 1 : end]]
    w.case.write_text("".join([*lines[:start], *lines[end:], *block]))
    w.commit("reordered")  # the same case, keys in another order: lawful
    w.case.write_text(w.case.read_text() + _entry("2026-11-20T10:00:00+01:00"))
    w.commit("entry")
    return []


@attack("a commit and an entry dated in the future", "BTI304")
def _future(w: World) -> list[str]:
    w.case.write_text(w.case.read_text() + _entry("2027-06-01T10:00:00+02:00"))
    w.commit(env={"GIT_COMMITTER_DATE": "2027-06-01T10:00:00+02:00"})
    return []


@attack("an entry backdated before the case's newest", "BTI307")
def _backdated(w: World) -> list[str]:
    w.case.write_text(w.case.read_text() + _entry("2026-01-05T10:00:00+01:00"))
    w.commit(env={"GIT_COMMITTER_DATE": "2026-01-05T10:00:00+01:00"})
    return []


@attack("an entry written in a colleague's name", "BTI308")
def _forged_entry_author(w: World) -> list[str]:
    w.case.write_text(w.case.read_text() + _entry("2026-11-20T10:00:00+01:00", author=NURSE))
    w.commit()
    return []


# -- identity is a signature (BTI03x) -------------------------------------------------------------


def _as_author(email: str) -> dict[str, str]:
    """Only the author line changed: the commit is still signed with the signer's own key."""
    return {"GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_NAME": email.split("@")[0]}


@attack("a commit claiming a colleague's email, signed with one's own key", "BTI031")
def _colleagues_email(w: World) -> list[str]:
    w.case.write_text(w.case.read_text() + _entry("2026-11-20T10:00:00+01:00", author=NURSE))
    w.commit(who=HOLDER, env=_as_author(NURSE))
    return []


@attack("an unsigned commit after signatures were switched on", "BTI030")
def _unsigned(w: World) -> list[str]:
    w.case.write_text(w.case.read_text() + _entry("2026-11-20T10:00:00+01:00"))
    w.commit(env={"GIT_CONFIG_COUNT": "0"})
    return []


@attack("a commit signed with a key the leader has replaced", "BTI032")
def _replaced_key(w: World) -> list[str]:
    new_key = w.base / "holder-new-key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(new_key)], check=True)
    public = new_key.with_name(new_key.name + ".pub").read_text()
    Bti(w.clone).ok("person", "set", HOLDER, "--key", public, who=LEADER)
    w.case.write_text(w.case.read_text() + _entry("2026-11-20T10:00:00+01:00"))
    w.commit(who=HOLDER)  # still signed with the old key
    return []


@attack("a removed person signs a commit authored as a colleague", "BTI031")
def _removed_persons_key(w: World) -> list[str]:
    text = (w.clone / "people.yaml").read_text()
    start = text.index(f"  - email: {FORMER}")
    end = text.find("\n  - ", start + 1)
    (w.clone / "people.yaml").write_text(text[:start] + (text[end + 1 :] if end > 0 else ""))
    w.commit("people.yaml: person removed", who=LEADER)
    w.case.write_text(w.case.read_text() + _entry("2026-11-20T10:00:00+01:00"))
    w.commit(who=FORMER, env=_as_author(HOLDER))
    return []


@attack("a handover acceptance authored as the receiver, signed by the offerer", "BTI031")
def _forged_acceptance(w: World) -> list[str]:
    bti = Bti(w.clone)
    bti.ok("handover", "offer", w.case_id, "--to", NURSE, who=HOLDER)
    bti.ok("handover", "accept", w.case_id, "--no-commit", who=NURSE)
    w.commit(who=HOLDER, env=_as_author(NURSE))
    return []


# A forged author for every kind of change a commit can make: the forger (the holder) signs with
# their own key and claims the leader, who may make every one of these changes.
FORGED_CHANGES: dict[str, Callable[[World], None]] = {
    "a log entry": lambda w: w.case.write_text(
        w.case.read_text() + _entry("2026-11-20T10:00:00+01:00", author=LEADER)
    ),
    "the level": lambda w: _case_edit(w, "\nlevel: 1\n", "\nlevel: 0\n"),
    "people.yaml": lambda w: (w.clone / "people.yaml").write_text(
        (w.clone / "people.yaml")
        .read_text()
        .replace("roles:\n      - holder", "roles:\n      - leader", 1)
    ),
    "bti.yaml": lambda w: (w.clone / "bti.yaml").write_text(
        (w.clone / "bti.yaml").read_text().replace("self_consent_age: 15", "self_consent_age: 12")
    ),
    "a template": lambda w: (w.clone / "templates" / "meeting-agenda.nb.md.j2").write_text(
        "Ny mal\n"
    ),
    "a README": lambda w: (w.clone / "README.md").write_text("Ny tekst\n"),
}


def _forged(edit: Callable[[World], None]) -> Attack:
    def build(w: World) -> list[str]:
        edit(w)
        w.commit(who=HOLDER, env=_as_author(LEADER))
        return []

    return build


for _kind, _edit in FORGED_CHANGES.items():
    attack(f"a forged author for {_kind}, signed with one's own key", "BTI031")(_forged(_edit))
# -- who may write (issue 11): one attack per row of the table ----------------------------------

NOW = "2026-11-20T10:00:00+01:00"


def _act(w: World, who: str, *edits: tuple[str, str], text: str = "Endret.") -> str:
    """Edit the case as `who` would by hand, with their own log entry, and commit it."""
    for old, new in edits:
        _case_edit(w, old, new)
    w.case.write_text(w.case.read_text() + _entry(NOW, who, text))
    return w.commit(who=who)


def _offer(to: str, by: str = HOLDER) -> tuple[str, str]:
    return (
        "handovers: []\n",
        f"handovers:\n  - id: h1\n    to: {to}\n    offered_by: {by}\n    offered: {NOW}\n"
        "    status: offered\n",
    )


def _accept(to: str) -> list[tuple[str, str]]:
    return [
        ("    status: offered\n", f"    status: accepted\n    answered: {NOW}\n"),
        (f"holder: {HOLDER}", f"holder: {to}"),
    ]


@attack("a child-welfare colleague opens a case for the school", "BTI210")
def _open_for_another_service(w: World) -> list[str]:
    text = w.case.read_text()
    start = text.index("log:\n")
    case = text[:start].replace(w.case_id, "2026-ZZZZ1").replace(HOLDER, OTHER)
    case = case.replace("level: 1", "level: 0").replace("  - helsestasjon\n", "", 1)
    case = case[: case.index("consents:")] + (
        "consents: []\nhandovers: []\nmeasures: []\nmeetings: []\nlog:\n"
    )
    (w.clone / "cases" / "2026-ZZZZ1.yaml").write_text(case + _entry(NOW, OTHER, "Opprettet."))
    w.commit(who=OTHER)
    return []


@attack("a colleague from a service outside the case writes in its log", "BTI211")
def _outsider_writes(w: World) -> list[str]:
    w.case.write_text(w.case.read_text() + _entry(NOW, OTHER))
    w.commit(who=OTHER)
    return []


@attack("a colleague from a service no consent covers sets level 2", "BTI212")
def _outsider_sets_level(w: World) -> list[str]:
    _act(w, OTHER, ("level: 1\n", "level: 2\n"))
    return []


@attack("a colleague evaluates a measure someone else is responsible for", "BTI213")
def _evaluated_by_another(w: World) -> list[str]:
    block = (
        "    evaluations:\n      - date: 2026-11-20\n        outcome: continue\n"
        f"        note: Går bra.\n        next_by: 2027-01-15\n        by: {LEADER}\n"
    )
    _act(w, LEADER, ("    evaluations: []\n", block))
    return []


@attack("a former holder closes the case under the holder's feet", "BTI214")
def _former_closes(w: World) -> list[str]:
    _act(w, FORMER, ("status: open\n", "status: closed\n"))
    return []


@attack(
    "a child-welfare colleague accepts the baton in a case the consent keeps them out of", "BTI215"
)
def _accepted_outside(w: World) -> list[str]:
    _act(w, HOLDER, _offer(OTHER))
    _act(w, OTHER, *_accept(OTHER))
    return []


@attack("the baton offered to a service outside the case", "BTI216")
def _offered_outside(w: World) -> list[str]:
    _act(w, HOLDER, _offer(OTHER))
    return []


@attack("a withdrawal that leaves an offer to the nurse pending", "BTI217")
def _offer_survives_withdrawal(w: World) -> list[str]:
    _act(w, HOLDER, _offer(NURSE))
    withdrawn = f"    withdrawn:\n      date: 2026-11-20\n      by: {HOLDER}\n    basis:"
    _act(
        w,
        HOLDER,
        ("    basis:", withdrawn),
        ("level: 1\n", "level: 0\n"),
        ("services:\n  - skole\n  - helsestasjon\n", "services:\n  - skole\n"),
    )
    return []


@attack("a measure given to someone outside the case", "BTI218")
def _measure_outside(w: World) -> list[str]:
    measure = (
        "  - id: m2\n    text: Hjemmebesøk\n    service: skole\n"
        f"    responsible: {OTHER}\n    start: 2026-11-20\n    evaluate_by: 2027-01-15\n"
        f"    added_by: {HOLDER}\n    evaluations: []\nmeetings: []\n"
    )
    _act(w, HOLDER, ("meetings: []\n", measure))
    return []


@attack("a former holder offers the baton", "BTI203")
def _former_offers(w: World) -> list[str]:
    _act(w, FORMER, _offer(NURSE, by=FORMER))
    return []


@attack("a colleague accepts the baton on the receiver's behalf", "BTI204")
def _accepted_for_another(w: World) -> list[str]:
    _act(w, HOLDER, _offer(NURSE))
    _act(w, FORMER, *_accept(NURSE))
    return []


@attack("a merge that brings new work into a case closed on the other side", "BTI303")
def _work_into_closed_case(w: World) -> list[str]:
    start = w.git("rev-parse", "HEAD").strip()
    closed = _act(w, HOLDER, ("status: open\n", "status: closed\n"), text="Avsluttet.")
    closed_text = w.case.read_text()
    w.move_main(start)
    work = _act(w, NURSE, text="Samtale med eleven.")
    w.move_main(closed)
    w.case.write_text(closed_text + _entry(NOW, NURSE, "Samtale med eleven."))
    w.git("add", "-A")
    tree = w.git("write-tree").strip()
    w.move_main(w.plumb(tree, closed, work, message="merge"))
    return []


@pytest.mark.parametrize(("name", "code", "audited", "build"), ATTACKS, ids=[a[0] for a in ATTACKS])
def test_the_server_refuses_it_and_the_audit_names_it(
    world: World, name: str, code: str, audited: bool, build: Attack
) -> None:
    before = world.server_refs()
    refspecs = build(world)
    status, err = world.push(*refspecs)
    assert status != 0, f"{name}: the server accepted it"
    assert f"{code} error" in err, err
    assert "Traceback" not in err
    said = "\n".join(line for line in err.splitlines() if line.startswith("remote:"))
    assert FNR not in said.replace(f"{FNR[:6]}*****", "")  # what the server says, masked
    assert world.server_refs() == before
    if audited:
        result = Bti(world.clone)("audit", "verify", "--format", "json")
        found = {v["code"] for v in json.loads(result.stdout or "[]")}
        assert result.exit_code == 1 and code in found, result.output


# -- old branches, old directories ---------------------------------------------------------------


def _remove_former(w: World) -> str:
    """The leader removes FORMER from the directory on main (lawfully); returns the old main."""
    old = w.git("rev-parse", "HEAD").strip()
    Bti(w.clone).ok("person", "add", FORMER, "--name", "Fride Tidligere", "--service", "skole",
                    "--role", "reviewer")  # fmt: skip
    text = (w.clone / "people.yaml").read_text()
    start = text.index(f"  - email: {FORMER}")
    end = text.find("\n  - ", start + 1)
    (w.clone / "people.yaml").write_text(text[:start] + (text[end + 1 :] if end > 0 else ""))
    w.commit("people.yaml: person removed", who=LEADER)
    code, err = w.push(who=LEADER)
    assert code == 0, err
    return old


def test_a_removed_person_cannot_act_through_a_branch_started_before(world: World) -> None:
    old = _remove_former(world)
    world.git("checkout", "-q", "-b", "old", old)
    world.case.write_text(world.case.read_text() + _entry("2026-11-20T10:00:00+01:00", FORMER))
    side = world.commit(who=FORMER)
    world.git("checkout", "-q", "main")
    world.git("merge", "-q", "--no-ff", "--no-verify", "-m", "merge", side, who=HOLDER)
    before = world.server_refs()
    status, err = world.push()
    assert status != 0 and "BTI010 error" in err, err
    assert world.server_refs() == before
    result = Bti(world.clone)("audit", "verify", "--format", "json")
    landed = json.loads(result.stdout or "[]")
    assert any(v["code"] == "BTI010" and v["commit"] == side for v in landed), result.output


def test_a_merge_cannot_bring_back_an_old_directory(world: World) -> None:
    """The merge takes the old side's people.yaml (with the removed person) while main changed
    it: a settings change against main's, by a holder, refused."""
    old = _remove_former(world)
    world.git("checkout", "-q", "-b", "old", old)
    (world.clone / "README.md").write_text("Gammel gren\n")
    side = world.commit()
    world.git("checkout", "-q", "main")
    tree = world.git("rev-parse", "HEAD^{tree}").strip()
    world.git("read-tree", tree)
    people = world.git("rev-parse", f"{side}:people.yaml").strip()
    world.git("update-index", "--cacheinfo", f"100644,{people},people.yaml")
    merged = world.git("write-tree").strip()
    world.git("reset", "-q")
    world.move_main(world.plumb(merged, "HEAD", side))
    before = world.server_refs()
    status, err = world.push()
    assert status != 0 and "BTI009 error" in err, err
    assert world.server_refs() == before


def _closed_and_worked(w: World, merger: str) -> tuple[str, str, str]:
    """The case closed on main and an entry added on a side branch; the merged text reopens it
    with the merger's reason. Returns the two parents and the merged text."""
    start = w.git("rev-parse", "HEAD").strip()
    closed = _act(w, HOLDER, ("status: open\n", "status: closed\n"), text="Avsluttet.")
    closed_text = w.case.read_text()
    w.move_main(start)
    work = _act(w, NURSE, text="Samtale med eleven.")
    w.move_main(closed)
    merged = closed_text.replace("status: closed\n", "status: open\n")
    merged += _entry(NOW, NURSE, "Samtale med eleven.") + _entry(
        NOW, merger, "Gjenåpnet, ny samtale."
    )
    return closed, work, merged


@pytest.mark.parametrize(("merger", "code"), [(HOLDER, None), (FORMER, "BTI214")])
def test_a_merge_that_keeps_new_work_reopens_the_case_by_someone_who_may(
    world: World, merger: str, code: str | None
) -> None:
    closed, work, merged = _closed_and_worked(world, merger)
    world.case.write_text(merged)
    world.git("add", "-A")
    tree = world.git("write-tree").strip()
    world.move_main(world.plumb(tree, closed, work, who=merger, message="merge"))
    status, err = world.push(who=merger)
    if code is None:
        assert status == 0, err
    else:
        assert status != 0 and f"{code} error" in err, err
