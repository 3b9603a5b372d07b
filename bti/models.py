"""The files of a case repository as pydantic models: the boundary where YAML becomes data.

Every model forbids unknown fields, so a typo in a hand-edited file is an error with its line, not a
silently ignored key. Field names are English; the documents people read are rendered elsewhere.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from bti import nationalid
from bti.i18n import _

SCHEMA_VERSION = 1

CASE_ID_PATTERN = r"^[0-9]{4}-[0-9A-HJKMNP-TV-Z]{5}$"
CASE_ID_RE = re.compile(CASE_ID_PATTERN)


def _lower(value: str) -> str:
    return value.lower()


def _national_id(value: str) -> str:
    if not nationalid.is_valid(value):
        raise ValueError(_("not a valid national id: 11 digits with correct check digits"))
    return value


Email = Annotated[
    str,
    StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254),
    AfterValidator(_lower),
]
ServiceId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20000)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
CaseId = Annotated[str, StringConstraints(pattern=CASE_ID_PATTERN)]
NationalId = Annotated[str, StringConstraints(pattern=r"^[0-9]{11}$"), AfterValidator(_national_id)]

Level = Annotated[int, Field(ge=0, le=3)]
Step = Annotated[int, Field(ge=1, le=5)]
Role = Literal["holder", "leader", "coordinator", "reviewer"]
Language = Literal["nb", "nn", "en"]
SubjectKind = Literal["child", "youth", "pregnant", "family"]
EntryKind = Literal["note", "voice", "meeting", "event"]
Outcome = Literal["end", "continue", "adjust", "refer"]
MeetingKind = Literal["coordination", "evaluation", "team", "other", "ansvarsgruppe", "ressursteam"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=False)


def _ssh_key(value: str) -> str:
    from bti.signatures import SignatureError, normalise_key

    try:
        return normalise_key(value)
    except SignatureError as err:
        raise ValueError(str(err)) from None


SshKey = Annotated[str, AfterValidator(_ssh_key)]


# -- bti.yaml ------------------------------------------------------------------------------------


class Service(Model):
    id: ServiceId
    name: Name
    external: bool = Field(False, description="outside the municipality (BUP, specialist health)")


def _switch(value: object) -> object:
    """YAML 1.1 reads a bare `off` as false: a person who wrote `off` meant off."""
    return "off" if value is False else value


def _switch_on(value: object) -> object:
    """YAML 1.1 reads a bare `on` as true and `off` as false."""
    return "on" if value is True else _switch(value)


class RuleSettings(Model):
    self_consent_age: int = Field(
        15, ge=12, le=18, description="from this age the young person consents on their own"
    )
    protected_branches: list[str] = Field(
        default_factory=lambda: ["main"], description="no force-push or deletion on these"
    )
    pusher_env: list[str] = Field(
        default_factory=lambda: ["GITEA_PUSHER_EMAIL", "GL_USER_EMAIL", "BTI_PUSHER_EMAIL"],
        description="environment variables in which the git server names the pushing person",
    )
    signatures: Annotated[Literal["required", "warn", "off"], BeforeValidator(_switch)] = Field(
        "off",
        description="every commit is signed by its author's key in people.yaml: required refuses "
        "one that is not, warn only says so; a repository without the setting predates it (off)",
    )
    handover_pending_days: int = Field(7, ge=1, description="an offer older than this is overdue")
    level0_days: int = Field(14, ge=1, description="a level-0 concern older than this is overdue")
    followup_days: int = Field(30, ge=1, description="no log entry for this long is a break")
    allowed_paths: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        default_factory=list,
        description="more files the repository may hold, as glob patterns (like 'docs/*.md'); "
        "cases, settings, templates, schemas and README files need no pattern",
    )
    max_file_kb: int = Field(
        1024, ge=16, le=65536, description="no file of the repository may be larger than this"
    )
    consent_form: Literal["required", "optional"] = Field(
        "optional",
        description="required: a consent recorded from now on needs its signed consent form on "
        "file ('bti consent add … --form FILE', rule BTI110); optional: a form may be recorded",
    )


class Team(Model):
    """A recurring interdisciplinary team (TOT, ressursteam, fagteam) that discusses cases."""

    name: Name = Field(description="the team's name, as `bti meeting agenda --team` takes it")
    services: list[ServiceId] = Field(
        min_length=1, description="the services that take part; a case is named only with consent"
    )
    members: list[Email] = Field(default_factory=list, description="who is invited")
    rhythm: Text | None = Field(None, description="how often it meets, in plain words")
    place: Name | None = Field(None, description="where it usually meets")


class Config(Model):
    schema_version: int = SCHEMA_VERSION
    municipality: Name
    language: Language = "nb"
    sealing: Annotated[Literal["on", "off"], BeforeValidator(_switch_on)] = Field(
        "off",
        description="on: what a case says about the child is sealed to the people who may read "
        "it and to the server's key (see 'bti seal'); off: case files are plain text",
    )
    server_key: SshKey | None = Field(
        None,
        description="the server's public ssh-ed25519 key: every sealed case is sealed to it too, "
        "so the server judges every rule",
    )
    services: list[Service] = Field(default_factory=list)
    rules: RuleSettings = Field(default_factory=RuleSettings)
    teams: list[Team] = Field(default_factory=list)

    @model_validator(mode="after")
    def _sealing_needs_server(self) -> Config:
        if self.sealing == "on" and self.server_key is None:
            raise ValueError(
                _(
                    "sealing is on but there is no server_key: add the server's public key "
                    "(server_key: ssh-ed25519 AAAA…), or set sealing: off"
                )
            )
        return self

    def team(self, name: str) -> Team | None:
        wanted = name.strip().casefold()
        return next((t for t in self.teams if t.name.casefold() == wanted), None)

    def service(self, service_id: str) -> Service | None:
        return next((s for s in self.services if s.id == service_id), None)


# -- people.yaml ---------------------------------------------------------------------------------


class FormerKey(Model):
    """A key a person signed with before a rotation. Kept so the story stays readable: which key
    signed the old commits, and when it stopped being theirs. It verifies nothing new (the
    directory in force at a commit's parent decides, see bti.rules.signature)."""

    key: SshKey
    replaced: dt.date


class Person(Model):
    email: Email
    name: Name
    service: ServiceId
    roles: list[Role] = Field(default_factory=list)
    key: SshKey | None = Field(None, description="public SSH key that signs this person's commits")
    former_keys: list[FormerKey] = Field(
        default_factory=list, description="keys replaced by a rotation, with the date"
    )


class Directory(Model):
    schema_version: int = SCHEMA_VERSION
    people: list[Person] = Field(default_factory=list)

    def get(self, email: str | None) -> Person | None:
        if not email:
            return None
        email = email.lower()
        return next((p for p in self.people if p.email == email), None)


# -- cases/<id>.yaml -----------------------------------------------------------------------------


class Subject(Model):
    kind: SubjectKind = "child"
    name: Name
    born: dt.date
    national_id: NationalId | None = None


class Guardian(Model):
    name: Name
    relation: Name = Field(description="mor, far, verge, fosterforelder …")
    responsibility: bool = Field(True, description="has parental responsibility (foreldreansvar)")
    phone: Name | None = Field(None, description="phone number, to invite the guardian to meetings")
    email: Name | None = Field(
        None, description="email address, to invite the guardian to meetings"
    )


class Concern(Model):
    text: Text
    noted: dt.date
    by: Email = Field(description="the owner of the concern: whoever noticed it")


class Withdrawal(Model):
    date: dt.date
    by: Email
    reason: Text | None = None


class Giver(Model):
    """One giver of a consent as the case stood when the consent was recorded."""

    name: Name = Field(description="as in given_by")
    role: Literal["subject", "guardian", "other"]
    relation: Name | None = Field(None, description="the guardian's relation then")
    responsibility: bool | None = Field(None, description="the guardian's parental responsibility")


class Basis(Model):
    """Who could consent, recorded with the consent when it is given. Records are append-only, so
    a later correction of the subject or the guardians cannot give the consent authority after
    the fact: it is judged by this, not by the case as it stands now."""

    kind: SubjectKind = Field(description="the subject's kind then")
    age: int = Field(ge=0, description="the subject's age on the date given")
    givers: list[Giver] = Field(min_length=1)


class SignedForm(Model):
    """The signed consent form, referred to without copying it into git: its SHA-256 and the
    file's name, so the paper or scan in the municipality's archive can be matched later."""

    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    name: Annotated[str, StringConstraints(min_length=1, max_length=255)] = Field(
        description="the file's name, without its folder"
    )


class Consent(Model):
    id: Annotated[str, StringConstraints(pattern=r"^c[0-9]+$")]
    given_by: list[Name] = Field(
        min_length=1, description="guardian names, or 'subject' for the subject's own consent"
    )
    services: list[ServiceId] = Field(min_length=1)
    purpose: Text
    given: dt.date
    expires: dt.date | None = None
    recorded_by: Email
    withdrawn: Withdrawal | None = None
    basis: Basis | None = Field(
        None, description="who could consent when it was given (absent in older files)"
    )
    form: SignedForm | None = Field(
        None, description="the signed consent form on file (its SHA-256 and name, not the file)"
    )

    def valid_on(self, day: dt.date) -> bool:
        if self.withdrawn is not None and self.withdrawn.date <= day:
            return False
        if self.given > day:
            return False
        return self.expires is None or self.expires >= day


class Handover(Model):
    id: Annotated[str, StringConstraints(pattern=r"^h[0-9]+$")]
    to: Email
    offered_by: Email
    offered: AwareDatetime
    reason: Text | None = None
    status: Literal["offered", "accepted", "declined"] = "offered"
    answered: AwareDatetime | None = None
    answer_note: Text | None = None


class Evaluation(Model):
    date: dt.date
    outcome: Outcome
    note: Text
    voice: Text | None = Field(None, description="the child's own view, in the child's words")
    next_by: dt.date | None = Field(None, description="the next evaluate-by date, when it goes on")
    by: Email


class Measure(Model):
    id: Annotated[str, StringConstraints(pattern=r"^m[0-9]+$")]
    text: Text
    service: ServiceId
    responsible: Email | None = None
    start: dt.date
    evaluate_by: dt.date | None = None
    added_by: Email
    evaluations: list[Evaluation] = Field(default_factory=list)

    @property
    def ended(self) -> bool:
        return bool(self.evaluations) and self.evaluations[-1].outcome == "end"

    @property
    def due(self) -> dt.date | None:
        """When the measure is next to be evaluated: the latest evaluation's date, or the first."""
        for evaluation in reversed(self.evaluations):
            if evaluation.next_by is not None:
                return evaluation.next_by
        return self.evaluate_by


class Meeting(Model):
    id: Annotated[str, StringConstraints(pattern=r"^mt[0-9]+$")]
    kind: MeetingKind
    date: dt.date
    participants: list[Name] = Field(default_factory=list)
    summary: Text | None = None
    recorded_by: Email


class ChainPlanStep(Model):
    """One step of a chain as the template gave it when the chain started, in the document
    language: the case keeps its plan even if the municipality changes the template later."""

    title: Name
    who: Name | None = Field(None, description="who acts at this step")
    follow_up_days: int = Field(14, ge=1, le=365, description="days until the next step is due")


class ChainRecord(Model):
    """A step of a running chain done or skipped. What was done, or why not, is in the log."""

    step: int = Field(ge=1, le=50)
    action: Literal["done", "skipped"]
    date: dt.date
    by: Email


class ChainEnd(Model):
    date: dt.date
    by: Email


class Chain(Model):
    """A chain of measures (tiltakskjede) started from a template under templates/chains/."""

    id: Annotated[str, StringConstraints(pattern=r"^ch[0-9]+$")]
    template: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]
    name: Name
    started: dt.date
    started_by: Email
    plan: list[ChainPlanStep] = Field(min_length=1, max_length=50)
    records: list[ChainRecord] = Field(default_factory=list)
    ended: ChainEnd | None = None

    @property
    def current(self) -> int | None:
        """The number of the step to do next, or None when the chain has ended or is done."""
        if self.ended is not None or len(self.records) >= len(self.plan):
            return None
        return len(self.records) + 1

    @property
    def due(self) -> dt.date | None:
        """When the next step is due: step 1 when the chain starts; after a step done, its
        follow-up days later; after a step skipped, at once."""
        if self.current is None:
            return None
        if not self.records:
            return self.started
        last = self.records[-1]
        if last.action == "skipped":
            return last.date
        return last.date + dt.timedelta(days=self.plan[last.step - 1].follow_up_days)


class Referral(Model):
    """The case reported to a team (TOT, ressursteam) to be discussed there by id (seed 004)."""

    team: Name = Field(description="the team's name in bti.yaml")
    date: dt.date
    by: Email = Field(description="who reported it: staff, or staff on behalf of the parents")
    for_parents: bool = Field(False, description="reported on behalf of the parents")


CORRECTED_FIELD_PATTERN = (
    r"^(subject\.(name|born|kind|national_id)|owner_service"
    r"|guardian\.[1-9][0-9]?(\.(name|relation|responsibility))?)$"
)
CorrectedField = Annotated[str, StringConstraints(pattern=CORRECTED_FIELD_PATTERN)]


class Entry(Model):
    time: AwareDatetime
    author: Email
    kind: EntryKind = "note"
    text: Text
    event: Annotated[str, StringConstraints(pattern=r"^[a-z]+(:[0-9a-z-]+)?$")] | None = Field(
        None, description="what a command did, for statistics: opened, closed, reopened, level:N"
    )
    corrects: list[CorrectedField] | None = Field(
        None,
        description="with event 'corrected': the fields this correction changed "
        "(subject.born, owner_service, guardian.2.relation, guardian.2 for a removal …)",
    )


def _reader(value: str) -> str:
    if value == "server":
        return value
    if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
        raise ValueError(_("a reader is a person's email address, or 'server'"))
    return value.lower()


class Sealed(Model):
    """Whom a sealed case is sealed for, and its data key wrapped (age) to exactly those keys."""

    readers: list[Annotated[str, AfterValidator(_reader)]] = Field(
        min_length=1, description="the people (emails) and 'server' who can open the case"
    )
    key: Annotated[str, StringConstraints(min_length=1, max_length=65536)] = Field(
        description="the case's data key, wrapped with age to the readers' keys (base64)"
    )


class Case(Model):
    schema_version: int = SCHEMA_VERSION
    id: CaseId
    sealed: Sealed | None = Field(None, description="present when the case is sealed")
    status: Literal["open", "closed"] = "open"
    level: Level = 0
    step: Step = 1
    opened: dt.date
    subject: Subject
    guardians: list[Guardian] = Field(default_factory=list)
    concern: Concern
    owner_service: ServiceId
    services: list[ServiceId] = Field(default_factory=list)
    holder: Email | None = None
    consents: list[Consent] = Field(default_factory=list)
    handovers: list[Handover] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list)
    meetings: list[Meeting] = Field(default_factory=list)
    log: list[Entry] = Field(default_factory=list)
    chains: list[Chain] = Field(
        default_factory=list,
        exclude_if=lambda chains: not chains,
        description="chains of measures (tiltakskjeder); absent from the file until one starts",
    )
    # None rather than an empty list, so files of cases never reported to a team do not change.
    referrals: list[Referral] | None = Field(
        None, description="reports of the case to a team (bti team refer)"
    )

    def valid_consents(self, day: dt.date) -> list[Consent]:
        return [c for c in self.consents if c.valid_on(day)]

    def consent(self, consent_id: str) -> Consent | None:
        return next((c for c in self.consents if c.id == consent_id), None)

    def measure(self, measure_id: str) -> Measure | None:
        return next((m for m in self.measures if m.id == measure_id), None)

    def pending_handover(self) -> Handover | None:
        return next((h for h in reversed(self.handovers) if h.status == "offered"), None)

    def chain(self, chain_id: str) -> Chain | None:
        return next((c for c in self.chains if c.id == chain_id), None)


def next_id(prefix: str, existing: list[str]) -> str:
    numbers = [int(i[len(prefix) :]) for i in existing if i[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1}"


SCHEMAS: dict[str, type[Model]] = {"bti": Config, "people": Directory, "case": Case}
