"""Chains of measures (tiltakskjeder): a municipality's own ladder of steps for one kind of concern.

Elverum's "Fravær – en tiltakskjede" (seed 003) is the example that ships: a trigger (absent four
times in the last four weeks), then five steps, each with who acts and why, and a follow-up after
14 days between them. A chain is a template under `templates/chains/<id>.yaml`, written and changed
by a leader like every template (BTI009), and checked when it is pushed (BTI700). `bti init` copies
the shipped ones into a new repository.

Each text of a template is either plain words, used in every language, or words per language
(`nb:`, `nn:`, `en:`): a municipality writing its own chain writes it once in its own language, and
the example ships in all three. A case keeps the plan it started with (titles and follow-up days in
the document language), so a later change of the template never changes a running chain.

What a step found, or why it was skipped, is written in the log (sealed like every entry); the
chain's own records say only which step, what happened, when and by whom.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints, ValidationError

from bti import events, yamlio
from bti.actions import Act, Change, _copy, _log
from bti.errors import FileProblem, InputError
from bti.i18n import _
from bti.models import (
    Case,
    Chain,
    ChainEnd,
    ChainPlanStep,
    ChainRecord,
    Language,
    Model,
    Name,
    Text,
    next_id,
)
from bti.rules.chains import CHAIN_TEMPLATE
from bti.rules.core import Violation

FOLDER = "templates/chains/"
TemplateId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]
Words = Name | Annotated[dict[Language, Name], Field(min_length=1)]
LongWords = Text | Annotated[dict[Language, Text], Field(min_length=1)]


class TemplateStep(Model):
    title: Words = Field(description="what happens at this step, in a few words")
    who: Words | None = Field(None, description="who acts")
    why: LongWords | None = Field(None, description="what the step is for")
    follow_up_days: int = Field(14, ge=1, le=365, description="days until the next step is due")


class ChainTemplate(Model):
    """templates/chains/<id>.yaml."""

    id: TemplateId = Field(description="as `bti chain start ID <id>` takes it; the file's name")
    name: Words
    trigger: LongWords = Field(description="when the chain starts")
    source: Text | None = Field(None, description="whose document the chain comes from")
    steps: list[TemplateStep] = Field(min_length=1, max_length=50)


_FALLBACK: dict[str, tuple[Language, ...]] = {
    "nb": ("nb", "nn"),
    "nn": ("nn", "nb"),
    "en": ("en", "nb"),
}


def words(value: str | Mapping[Language, str] | None, lang: str) -> str:
    """Template words in `lang`: plain words as they are, otherwise the nearest language given."""
    if value is None or isinstance(value, str):
        return value or ""
    for code in _FALLBACK.get(lang, ()):
        if code in value:
            return value[code]
    return next(iter(value.values()))


def _problem(path: str, message: str, line: int = 1, col: int = 1) -> Violation:
    return CHAIN_TEMPLATE.violation(message, path=path).at(path, line, col)


def template_problems(path: str, data: bytes) -> list[Violation]:
    """What is wrong with the chain template `path` holding `data`, each at its line and column."""
    try:
        text = yamlio.decode(data, path)
        parsed = yamlio.load(text, path)
    except FileProblem as err:
        return [_problem(path, err.detail, err.line, err.col)]
    if not isinstance(parsed, dict):
        return [_problem(path, _("a chain template is a mapping with id, name, trigger and steps"))]
    from bti.checks import schema_message

    try:
        template = ChainTemplate.model_validate(parsed)
    except ValidationError as err:
        locate = yamlio.locator(text)
        found = []
        for error in err.errors(include_url=False)[:20]:
            loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))
            found.append(_problem(path, schema_message(error), *locate(loc)))
        return found
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if template.id != stem:
        return [
            _problem(
                path,
                _(
                    "the chain's id is '{id}' but the file is named {name} — make them the same"
                ).format(id=template.id, name=path.rsplit("/", 1)[-1]),
                *yamlio.locate(text, ("id",)),
            )
        ]
    return []


def load_template(root: Path, template_id: str) -> ChainTemplate:
    """The chain template `template_id` of the repository at `root`; its problems as FileProblem."""
    path = root / FOLDER / f"{template_id}.yaml"
    shown = f"{FOLDER}{template_id}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in (root / FOLDER).glob("*.yaml"))
        raise InputError(
            _("there is no chain template {name}").format(name=shown),
            hint=_("the chains of this repository: {names}").format(names=", ".join(known))
            if known
            else _("a leader adds one under templates/chains/, written like fravaer.yaml there"),
        )
    data = path.read_bytes()
    problems = template_problems(shown, data)
    if problems:
        first = problems[0]
        raise FileProblem(shown, first.line or 1, first.col or 1, first.message, code="BTI700")
    return ChainTemplate.model_validate(yamlio.load(data.decode("utf-8"), shown))


# -- actions -------------------------------------------------------------------------------------


def find(case: Case, ref: str) -> Chain:
    """A chain of the case by its id (ch1), or by its template's id when one such chain runs."""
    chain = case.chain(ref)
    if chain is None:
        running = [c for c in case.chains if c.template == ref and c.ended is None]
        chain = running[-1] if running else None
    if chain is None:
        raise InputError(
            _("case {case} has no chain {ref}").format(case=case.id, ref=ref),
            hint=_("'bti chain list {case}' lists its chains").format(case=case.id),
        )
    return chain


def _running(case: Case, ref: str) -> Chain:
    chain = find(case, ref)
    if case.status == "closed":
        raise InputError(_("case {case} is closed").format(case=case.id))
    if chain.ended is not None:
        raise InputError(_("chain {id} has ended").format(id=chain.id))
    if chain.current is None:
        raise InputError(
            _("every step of chain {id} is recorded — end it with 'bti chain end'").format(
                id=chain.id
            )
        )
    return chain


def start(case: Case, act: Act, template: ChainTemplate, note: str | None) -> Change:
    """The trigger is confirmed: the chain starts, and its first step is due today."""
    if case.status == "closed":
        raise InputError(_("case {case} is closed").format(case=case.id))
    for other in case.chains:
        if other.template == template.id and other.ended is None and other.current is not None:
            raise InputError(
                _("chain {id} ({template}) is already running in case {case}").format(
                    id=other.id, template=template.id, case=case.id
                ),
                hint=_("record its next step with 'bti chain step', or end it first"),
            )
    lang = act.lang
    new = _copy(case)
    chain = Chain(
        id=next_id("ch", [c.id for c in case.chains]),
        template=template.id,
        name=words(template.name, lang),
        started=act.today,
        started_by=act.email,
        plan=[
            ChainPlanStep(
                title=words(s.title, lang),
                who=words(s.who, lang) or None,
                follow_up_days=s.follow_up_days,
            )
            for s in template.steps
        ],
    )
    new.chains.append(chain)
    text = events.text(
        "chain_started",
        lang,
        id=chain.id,
        name=chain.name,
        trigger=words(template.trigger, lang),
        title=chain.plan[0].title,
    )
    if note:
        text = f"{text} {note}"
    _log(new, act, text, event="chain:started")
    return Change(new, _("chain {id} started").format(id=chain.id))


def _next_words(chain: Chain, lang: str) -> str:
    step = chain.current
    if step is None or chain.due is None:
        return events.text("chain_last", lang)
    from bti.words import plain_date

    return events.text(
        "chain_next",
        lang,
        step=step,
        title=chain.plan[step - 1].title,
        date=plain_date(lang, chain.due),
    )


def record(case: Case, act: Act, ref: str, *, skipped: bool, note: str) -> Change:
    """The chain's current step done (or skipped, with the reason): the next one becomes due."""
    chain = _running(case, ref)
    step = chain.current
    assert step is not None
    new = _copy(case)
    target = new.chain(chain.id)
    assert target is not None
    action = "skipped" if skipped else "done"
    target.records.append(ChainRecord(step=step, action=action, date=act.today, by=act.email))
    key = "chain_skipped" if skipped else "chain_done"
    text = events.text(
        key,
        act.lang,
        id=chain.id,
        step=step,
        steps=len(chain.plan),
        title=chain.plan[step - 1].title,
        note=note,
    )
    _log(new, act, f"{text} {_next_words(target, act.lang)}", event=f"chain:{action}")
    if skipped:
        summary = _("chain {id}: step {step} skipped").format(id=chain.id, step=step)
    else:
        summary = _("chain {id}: step {step} done").format(id=chain.id, step=step)
    return Change(new, summary)


def end(case: Case, act: Act, ref: str, reason: str) -> Change:
    """The chain ends: the concern stopped, or the case moved on to something else."""
    chain = find(case, ref)
    if chain.ended is not None:
        raise InputError(_("chain {id} has ended").format(id=chain.id))
    if case.status == "closed":
        raise InputError(_("case {case} is closed").format(case=case.id))
    new = _copy(case)
    target = new.chain(chain.id)
    assert target is not None
    target.ended = ChainEnd(date=act.today, by=act.email)
    done = len(chain.records)
    text = events.text("chain_ended", act.lang, id=chain.id, done=done, reason=reason)
    _log(new, act, text, event="chain:ended")
    return Change(new, _("chain {id} ended").format(id=chain.id))


# -- listing -------------------------------------------------------------------------------------


def rows(case: Case, today: dt.date, lang: str) -> list[dict[str, object]]:
    """The chains of a case, one row each, in the person's language."""
    from bti.due import when
    from bti.i18n import translations

    t = translations(lang)
    found: list[dict[str, object]] = []
    for chain in case.chains:
        step = chain.current
        if chain.ended is not None:
            state = t.gettext("ended {date}").format(date=chain.ended.date.isoformat())
        elif step is None:
            state = t.gettext("every step recorded")
        else:
            state = t.gettext("step {step} of {steps}: {title}").format(
                step=step, steps=len(chain.plan), title=chain.plan[step - 1].title
            )
        skipped = [str(r.step) for r in chain.records if r.action == "skipped"]
        found.append(
            {
                "id": chain.id,
                "name": chain.name,
                "what": state,
                "due": chain.due,
                "when": when(chain.due, today, lang) if chain.due else None,
                "note": t.gettext("skipped: {steps}").format(steps=", ".join(skipped))
                if skipped
                else None,
            }
        )
    return found
