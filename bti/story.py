"""`bti audit log`: a case's story told from git, in the product's words, derived from the versions
of its file (never from commit messages)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from bti import gitrepo
from bti.i18n import N_, translations
from bti.models import Case, Directory
from bti.replay import Judge, is_case_path
from bti.words import value_word

WORDS: dict[str, str] = {
    "opened": N_("opened at level {level} ({service})"),
    "deleted": N_("the case file was deleted"),
    "unreadable": N_("the file could not be read ({problem})"),
    "level": N_("level {old} → {new}{reason}"),
    "step": N_("step {old} → {new}"),
    "closed": N_("closed"),
    "reopened": N_("reopened"),
    "consent": N_("consent {id} given by {by}, covering {services}"),
    "withdrawn": N_("consent {id} withdrawn"),
    "form": N_("the signed form of consent {id} is on file"),
    "joined": N_("service {service} joined"),
    "left": N_("service {service} left"),
    "offered": N_("handover offered to {to}"),
    "accepted": N_("handover accepted by {to}"),
    "declined": N_("handover declined ({to})"),
    "holder": N_("holder {old} → {new}"),
    "measure": N_("measure {id} added ({service})"),
    "evaluated": N_("measure {id} evaluated: {outcome}"),
    "meeting": N_("meeting {id} recorded ({kind})"),
    "guardian": N_("guardian recorded ({relation})"),
    "entry": N_("entry added ({kind})"),
    "voice": N_("the child's voice recorded"),
    "edited": N_("changed: {fields}"),
    "corrected": N_("{fields} corrected: {reason}"),
    "guardian_removed": N_("guardian removed ({relation}): {reason}"),
    "chain_started": N_("chain {id} started ({template})"),
    "chain_done": N_("chain {id}: step {step} done"),
    "chain_skipped": N_("chain {id}: step {step} skipped"),
    "chain_ended": N_("chain {id} ended"),
    # In place of a value from a version this person's key does not open.
    "hidden": N_("not readable here"),
}


def _say(key: str, lang: str, **values: object) -> str:
    return translations(lang).gettext(WORDS[key]).format(**values)


def describe(
    before: Case | None, after: Case | None, lang: str = "en", *, readable: bool = True
) -> list[str]:
    """What a change did to a case, in the product's words, derived from the two versions.
    `readable`: False when either version is sealed and did not open here — then only its
    structure is told, and every value from what is sealed is said to be not readable here."""
    hidden = _say("hidden", lang)
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
                if e.event == f"level:{after.level}" and ": " in e.text and readable
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
                    by=", ".join(consent.given_by) if readable else hidden,
                    services=", ".join(consent.services),
                )
            )
            if consent.form is not None:
                said.append(_say("form", lang, id=consent.id))
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
            outcome = value_word("outcome", evaluation.outcome, lang)
            said.append(_say("evaluated", lang, id=measure.id, outcome=outcome))
    known_meetings = {m.id for m in before.meetings}
    said += [
        _say("meeting", lang, id=m.id, kind=value_word("meeting", m.kind, lang))
        for m in after.meetings
        if m.id not in known_meetings
    ]
    said += _chains(before, after, lang)
    # Guardians are added at the end; a changed name is a correction, told from its log entry.
    said += [
        _say("guardian", lang, relation=g.relation if readable else hidden)
        for g in after.guardians[len(before.guardians) :]
    ]
    for entry in new_log:
        if entry.event == "corrected" and entry.corrects:
            text = entry.text if readable else f": {hidden}"
            said.append(_correction(entry.corrects, text, before, lang, readable=readable))
        elif entry.kind == "voice":
            said.append(_say("voice", lang))
        elif entry.kind != "event":
            said.append(_say("entry", lang, kind=value_word("entry", entry.kind, lang)))
    if not said and readable:
        fields = [
            name
            for name in type(after).model_fields
            if getattr(before, name) != getattr(after, name)
        ]
        if fields:
            said.append(_say("edited", lang, fields=", ".join(fields)))
    return said


def _chains(before: Case, after: Case, lang: str) -> list[str]:
    """Chains started, their steps done or skipped, and chains ended (bti/chains.py)."""
    said = []
    old_chains = {c.id: c for c in before.chains}
    for chain in after.chains:
        old = old_chains.get(chain.id)
        if old is None:
            said.append(_say("chain_started", lang, id=chain.id, template=chain.template))
        for record in chain.records[len(old.records) if old else 0 :]:
            key = "chain_skipped" if record.action == "skipped" else "chain_done"
            said.append(_say(key, lang, id=chain.id, step=record.step))
        if chain.ended is not None and (old is None or old.ended is None):
            said.append(_say("chain_ended", lang, id=chain.id))
    return said


def _correction(
    fields: list[str], text: str, before: Case, lang: str, *, readable: bool = True
) -> str:
    """A correction by the fields it names and its reason, never by the values: a national id
    must not reach the story, and the old and new values are in the file for those who may read
    it."""
    reason = text.split(": ", 1)[-1]
    removed = [f for f in fields if f.count(".") == 1 and f.startswith("guardian.")]
    if len(removed) == 1 == len(fields):
        index = int(removed[0].split(".")[1]) - 1
        relation = before.guardians[index].relation if index < len(before.guardians) else "?"
        relation = relation if readable else _say("hidden", lang)
        return _say("guardian_removed", lang, relation=relation, reason=reason)
    return _say("corrected", lang, fields=", ".join(fields), reason=reason)


@dataclass(frozen=True)
class StoryLine:
    commit: str
    time: str
    name: str
    email: str
    what: str
    pushed: str = ""  # "EMAIL at TIME to REF", where the server recorded who pushed the commit


def story(root: Path, case_id: str, people: Directory, lang: str = "en") -> list[StoryLine]:
    """The case's history, oldest first, one line per commit that changed its file. Commits on
    both sides of a merge are followed; the merges themselves add nothing of their own. A
    sealed version this person's key does not open is told from its structure only; a case
    none of whose versions opens is refused (store.not_readable), as `bti case show` refuses it."""
    path = f"cases/{case_id}.yaml"
    if not gitrepo.has_head(root):
        return []
    shas = gitrepo.run(
        ["rev-list", "--reverse", "--topo-order", "--no-merges", "HEAD", "--", path], root
    ).stdout.split()
    lines: list[StoryLine] = []
    pushed = pushed_by(root, shas)
    opened_any, last_sealed = False, None
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
                readable = (before is None or before.readable) and (after is None or after.readable)
                opened_any = opened_any or any(
                    v is not None and v.case is not None and v.readable for v in (before, after)
                )
                if after is not None and not after.readable:
                    last_sealed = after.case
                what = describe(
                    before.case if before else None,
                    after.case if after else None,
                    lang,
                    readable=readable,
                )
            person = people.get(commit.author_email)
            name = person.name if person else commit.author_name
            for item in what or ["—"]:
                lines.append(
                    StoryLine(
                        commit.sha,
                        commit.time,
                        name,
                        commit.author_email,
                        item,
                        pushed.get(commit.sha, ""),
                    )
                )
    if lines and not opened_any and last_sealed is not None:
        from bti.store import not_readable

        raise not_readable(last_sealed, people)
    return lines


def pushed_by(root: Path, shas: list[str]) -> dict[str, str]:
    """Who pushed each of `shas`, where the server recorded it: "EMAIL at TIME to REF"."""
    notes = gitrepo.notes(root, gitrepo.PUSHED_NOTES, shas)
    return {sha: note.removeprefix("pushed by ") for sha, note in notes.items()}


def when(iso: str) -> str:
    """A commit time as a person in Norway reads it, whatever clock the committer's machine kept:
    2026-11-23 14:05, Norwegian time."""
    from bti.clock import zone

    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone())
    return moment.strftime("%Y-%m-%d %H:%M")
