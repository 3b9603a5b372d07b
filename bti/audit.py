"""The audit trail: a case's story told from git, and every commit replayed through the rules.

Both read history in bulk (one `git diff-tree --stdin`, one `git cat-file --batch`) and parse each
file version once. `verify` remembers the commits it has judged, under .git/bti/, keyed by the rule
code: history never changes, so a commit judged once is never judged again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bti import __version__, gitrepo
from bti.checks import Parsed
from bti.errors import InputError
from bti.models import Case, Directory
from bti.replay import Judge, Landed, is_case_path
from bti.rules import Violation
from bti.rules.core import Severity

Progress = Callable[[int, int], None]
# Writing the newest versions costs about as much as parsing 500 of them again: worth it after a
# long run, not after every short one (a version that is not remembered is simply parsed).
TIPS_AFTER = 2_000
_CODE = Path(__file__).resolve().parent


def rules_digest() -> str:
    """Changes whenever the rules or the way files are read change: then everything is judged anew."""
    digest = hashlib.sha1(__version__.encode(), usedforsecurity=False)
    names = ["checks.py", "models.py", "replay.py", "nationalid.py", "yamlio.py"]
    for path in sorted([*_CODE.glob("rules/*.py"), *(_CODE / n for n in names)]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _commits(root: Path, since: str | None, until: str | None) -> list[str]:
    if not gitrepo.has_head(root):
        return []
    tip = until or "HEAD"
    for rev in [tip, *([since] if since else [])]:
        if (
            gitrepo.run(
                ["rev-parse", "-q", "--verify", f"{rev}^{{commit}}"], root, check=False
            ).returncode
            != 0
        ):
            raise InputError(
                f"'{rev}' is not a commit in this repository",
                hint="give a commit id, a branch or a tag",
            )
    return gitrepo.new_commits(root, [tip], [since] if since else [])


# -- verify ----------------------------------------------------------------------------------


@dataclass
class Verification:
    landed: list[Landed] = field(default_factory=list)
    commits: int = 0
    judged: int = 0
    shallow: bool = False


class _Verified:
    """Judged commits, one line each: `sha` alone when clean, `sha<TAB>json` with its violations."""

    def __init__(self, root: Path) -> None:
        folder = gitrepo.git_dir(root)
        self.path = folder / "bti" / f"verified-{rules_digest()}.txt" if folder else None
        self.known: dict[str, list[dict[str, object]]] = {}
        if self.path is not None and self.path.exists():
            with contextlib.suppress(OSError):
                for line in self.path.read_text("utf-8").splitlines():
                    sha, _, rest = line.partition("\t")
                    if len(sha) == 40:
                        try:
                            self.known[sha] = json.loads(rest) if rest else []
                        except ValueError:
                            continue  # a line cut off by an interruption: judge that one again
        self._pending: list[str] = []

    def add(self, sha: str, found: list[Landed]) -> None:
        items = [
            {**x.violation.as_dict(), "author": x.commit.author_email, "time": x.commit.time}
            for x in found
        ]
        self.known[sha] = items
        self._pending.append(sha + ("\t" + json.dumps(items, ensure_ascii=False) if items else ""))
        if len(self._pending) >= 2000:
            self.flush()

    def flush(self) -> None:
        if self.path is None or not self._pending:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError), self.path.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(self._pending) + "\n")
        self._pending = []


def _landed_from(sha: str, items: list[dict[str, object]]) -> Iterator[Landed]:
    for item in items:
        commit = gitrepo.Commit(sha, (), "", str(item.get("author", "")), str(item.get("time", "")))
        severity: Severity = "warning" if item.get("severity") == "warning" else "error"
        yield Landed(
            commit,
            Violation(
                str(item["code"]),
                severity,
                str(item["message"]),
                str(item["path"]),
                int(str(item["line"])),
                int(str(item["col"])),
            ),
        )


def _load_tips(path: Path | None) -> dict[str, tuple[str, Parsed]]:
    """The newest version of each case file read by the last run, so that the next run, which
    starts from them, need not parse them again. Written only by bti, inside .git."""
    if path is None or not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            tips = pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
        return {}
    return tips if isinstance(tips, dict) else {}


def _save_tips(path: Path | None, tips: dict[str, tuple[str, Parsed]]) -> None:
    if path is None:
        return
    with contextlib.suppress(OSError):
        for old in path.parent.glob("tips-*.pickle"):
            old.unlink()
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as handle:
            pickle.dump(tips, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)


def verify(
    root: Path, since: str | None = None, until: str | None = None, progress: Progress | None = None
) -> Verification:
    """Replay every commit in `since..until` through the rules; return what landed."""
    result = Verification()
    commits = _commits(root, since, until)
    result.commits = len(commits)
    result.shallow = (
        gitrepo.run(["rev-parse", "--is-shallow-repository"], root, check=False).stdout.strip()
        == "true"
    )
    if not commits:
        return result
    store = _Verified(root)
    todo = [c for c in commits if c not in store.known]
    judged: dict[str, list[Landed]] = {}
    if todo:
        with gitrepo.ObjectReader(root) as reader:
            judge = Judge(root, reader)
            tips = store.path.with_name(f"tips-{rules_digest()}.pickle") if store.path else None
            judge.remember(_load_tips(tips))
            step = 500
            for start in range(0, len(todo), step):
                for commit, diffs in gitrepo.history(root, todo[start : start + step]):
                    found = judge.judge(commit, diffs)
                    judged[commit.sha] = found
                    store.add(commit.sha, found)
                    result.judged += 1
                if progress:
                    progress(min(start + step, len(todo)), len(todo))
            if tips is not None and (result.judged >= TIPS_AFTER or not tips.exists()):
                _save_tips(tips, judge.newest())
        store.flush()
    for sha in commits:
        if sha in judged:
            result.landed.extend(judged[sha])
        else:
            result.landed.extend(_landed_from(sha, store.known.get(sha, [])))
    return result


# -- the story of a case -----------------------------------------------------------------------

WORDS: dict[str, dict[str, str]] = {
    "opened": {
        "nb": "opprettet på nivå {level} ({service})",
        "nn": "oppretta på nivå {level} ({service})",
        "en": "opened at level {level} ({service})",
    },
    "deleted": {
        "nb": "saksfilen ble slettet",
        "nn": "saksfila vart sletta",
        "en": "the case file was deleted",
    },
    "unreadable": {
        "nb": "filen kunne ikke leses ({problem})",
        "nn": "fila kunne ikkje lesast ({problem})",
        "en": "the file could not be read ({problem})",
    },
    "level": {
        "nb": "nivå {old} → {new}{reason}",
        "nn": "nivå {old} → {new}{reason}",
        "en": "level {old} → {new}{reason}",
    },
    "step": {"nb": "trinn {old} → {new}", "nn": "trinn {old} → {new}", "en": "step {old} → {new}"},
    "closed": {"nb": "avsluttet", "nn": "avslutta", "en": "closed"},
    "reopened": {"nb": "gjenåpnet", "nn": "opna att", "en": "reopened"},
    "consent": {
        "nb": "samtykke {id} gitt av {by}, for {services}",
        "nn": "samtykke {id} gitt av {by}, for {services}",
        "en": "consent {id} given by {by}, covering {services}",
    },
    "withdrawn": {
        "nb": "samtykke {id} trukket tilbake",
        "nn": "samtykke {id} trekt tilbake",
        "en": "consent {id} withdrawn",
    },
    "joined": {
        "nb": "tjenesten {service} ble med",
        "nn": "tenesta {service} vart med",
        "en": "service {service} joined",
    },
    "left": {
        "nb": "tjenesten {service} gikk ut",
        "nn": "tenesta {service} gjekk ut",
        "en": "service {service} left",
    },
    "offered": {
        "nb": "stafettpinnen tilbudt {to}",
        "nn": "stafettpinnen tilboden {to}",
        "en": "handover offered to {to}",
    },
    "accepted": {
        "nb": "stafettpinnen tatt imot av {to}",
        "nn": "stafettpinnen teken imot av {to}",
        "en": "handover accepted by {to}",
    },
    "declined": {
        "nb": "stafettpinnen avslått ({to})",
        "nn": "stafettpinnen avslått ({to})",
        "en": "handover declined ({to})",
    },
    "holder": {
        "nb": "stafettholder {old} → {new}",
        "nn": "stafetthaldar {old} → {new}",
        "en": "holder {old} → {new}",
    },
    "measure": {
        "nb": "tiltak {id} satt i gang ({service})",
        "nn": "tiltak {id} sett i gang ({service})",
        "en": "measure {id} added ({service})",
    },
    "evaluated": {
        "nb": "tiltak {id} evaluert: {outcome}",
        "nn": "tiltak {id} evaluert: {outcome}",
        "en": "measure {id} evaluated: {outcome}",
    },
    "meeting": {
        "nb": "møte {id} registrert ({kind})",
        "nn": "møte {id} registrert ({kind})",
        "en": "meeting {id} recorded ({kind})",
    },
    "guardian": {
        "nb": "foresatt registrert ({relation})",
        "nn": "føresett registrert ({relation})",
        "en": "guardian recorded ({relation})",
    },
    "entry": {
        "nb": "logginnslag lagt til ({kind})",
        "nn": "logginnslag lagt til ({kind})",
        "en": "entry added ({kind})",
    },
    "voice": {
        "nb": "barnets stemme registrert",
        "nn": "barnet si stemme registrert",
        "en": "the child's voice recorded",
    },
    "edited": {"nb": "endret: {fields}", "nn": "endra: {fields}", "en": "changed: {fields}"},
}


def _say(key: str, lang: str, **values: object) -> str:
    table = WORDS[key]
    return table.get(lang, table["en"]).format(**values)


def describe(before: Case | None, after: Case | None, lang: str = "en") -> list[str]:
    """What a change did to a case, in the product's words, derived from the two versions."""
    if after is None:
        return [_say("deleted", lang)] if before is not None else []
    if before is None:
        return [_say("opened", lang, level=after.level, service=after.owner_service)]
    said: list[str] = []
    new_log = after.log[len(before.log) :] if after.log[: len(before.log)] == before.log else []
    if before.level != after.level:
        reason = next(
            (
                f": {e.text.split(': ', 1)[-1]}"
                for e in new_log
                if e.event == f"level:{after.level}" and ": " in e.text
            ),
            "",
        )
        said.append(_say("level", lang, old=before.level, new=after.level, reason=reason))
    elif before.step != after.step:
        said.append(_say("step", lang, old=before.step, new=after.step))
    if before.status != after.status:
        said.append(_say("closed" if after.status == "closed" else "reopened", lang))
    old_consents = {c.id: c for c in before.consents}
    for consent in after.consents:
        old = old_consents.get(consent.id)
        if old is None:
            said.append(
                _say(
                    "consent",
                    lang,
                    id=consent.id,
                    by=", ".join(consent.given_by),
                    services=", ".join(consent.services),
                )
            )
        if consent.withdrawn is not None and (old is None or old.withdrawn is None):
            said.append(_say("withdrawn", lang, id=consent.id))
    said += [_say("joined", lang, service=s) for s in after.services if s not in before.services]
    said += [_say("left", lang, service=s) for s in before.services if s not in after.services]
    old_handovers = {h.id: h for h in before.handovers}
    for handover in after.handovers:
        old_h = old_handovers.get(handover.id)
        if old_h is None:
            said.append(_say("offered", lang, to=handover.to))
        if handover.status != "offered" and (old_h is None or old_h.status == "offered"):
            said.append(_say(handover.status, lang, to=handover.to))
    if before.holder != after.holder and not any(
        h.status == "accepted" and h.to == after.holder
        for h in after.handovers
        if old_handovers.get(h.id) is None or old_handovers[h.id].status == "offered"
    ):
        said.append(_say("holder", lang, old=before.holder, new=after.holder))
    old_measures = {m.id: m for m in before.measures}
    for measure in after.measures:
        old_m = old_measures.get(measure.id)
        if old_m is None:
            said.append(_say("measure", lang, id=measure.id, service=measure.service))
        done = len(old_m.evaluations) if old_m else 0
        for evaluation in measure.evaluations[done:]:
            said.append(_say("evaluated", lang, id=measure.id, outcome=evaluation.outcome))
    known_meetings = {m.id for m in before.meetings}
    said += [
        _say("meeting", lang, id=m.id, kind=m.kind)
        for m in after.meetings
        if m.id not in known_meetings
    ]
    known_guardians = {g.name for g in before.guardians}
    said += [
        _say("guardian", lang, relation=g.relation)
        for g in after.guardians
        if g.name not in known_guardians
    ]
    for entry in new_log:
        if entry.kind == "voice":
            said.append(_say("voice", lang))
        elif entry.kind != "event":
            said.append(_say("entry", lang, kind=entry.kind))
    if not said:
        fields = [
            name
            for name in type(after).model_fields
            if getattr(before, name) != getattr(after, name)
        ]
        if fields:
            said.append(_say("edited", lang, fields=", ".join(fields)))
    return said


@dataclass(frozen=True)
class StoryLine:
    commit: str
    time: str
    name: str
    email: str
    what: str


def story(root: Path, case_id: str, people: Directory, lang: str = "en") -> list[StoryLine]:
    """The case's history, oldest first, one line per commit that changed its file. Commits on
    both sides of a merge are followed; the merges themselves add nothing of their own."""
    path = f"cases/{case_id}.yaml"
    if not gitrepo.has_head(root):
        return []
    shas = gitrepo.run(
        ["rev-list", "--reverse", "--topo-order", "--no-merges", "HEAD", "--", path], root
    ).stdout.split()
    lines: list[StoryLine] = []
    with gitrepo.ObjectReader(root) as reader:
        judge = Judge(root, reader)
        for commit, diffs in gitrepo.history(root, shas):
            change = next((c for c in diffs[0] if c.path == path), None) if diffs else None
            if change is None or not is_case_path(change.path):
                continue
            before = judge.parsed(change.old, path)
            after = judge.parsed(change.new, path, previous=change.old)
            if after is not None and after.case is None:
                problem = after.problems[0].message if after.problems else ""
                what = [_say("unreadable", lang, problem=problem)]
            else:
                what = describe(
                    before.case if before else None, after.case if after else None, lang
                )
            person = people.get(commit.author_email)
            name = person.name if person else commit.author_name
            for item in what or ["—"]:
                lines.append(StoryLine(commit.sha, commit.time, name, commit.author_email, item))
    return lines


def when(iso: str) -> str:
    """A commit time as a person reads it: 2026-11-23 14:05."""
    try:
        return dt.datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso
