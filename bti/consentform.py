"""The consent form (samtykkeskjema, seeds 002 and 004): a pre-filled form to print and sign, and the
reference a recorded consent keeps to the signed form.

The form names the municipality, the child by name and birth date (never a national id — the
privacy check BTI505 refuses a document holding one), the services that would share and what for,
until when, who signs (the guardians with parental responsibility; from `rules.self_consent_age` the
young person alone), that consent is voluntary and can be withdrawn at any time, and whom to contact
(the holder).

The signed form itself never goes into git: a consent records only its SHA-256 and file name, so
the paper (or the scan in the municipality's archive) can be matched to the consent later.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from bti.clock import age
from bti.errors import InputError, Refused
from bti.i18n import _
from bti.meetings import Staff, staff
from bti.models import Case, Config, Directory, SignedForm
from bti.words import plain_date

# From this age a child's view carries great weight (barnelova § 31); from 7 the child is heard.
HEARD_AGE = 7
WEIGHT_AGE = 12
# A form for the family is short; a larger file is not a scanned form.
MAX_FORM_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Signer:
    name: str
    relation: str


@dataclass(frozen=True)
class ServiceInfo:
    id: str
    name: str


@dataclass
class ConsentForm:
    """Everything the form prints."""

    case_id: str
    municipality: str
    lang: str
    date: str
    subject_name: str
    subject_kind: str
    born: str
    age: int
    # who signs: "guardians" (the child's view is heard as `voice` says), "self" (the young
    # person or the pregnant woman alone)
    signs: str
    voice: str  # "weight" (12 until the self-consent age), "heard" (7–11), "none"
    self_consent_age: int
    signers: list[Signer]
    without_responsibility: list[Signer]
    services: list[ServiceInfo]
    purpose: str | None
    expires: str | None
    holder: Staff | None


def _service(config: Config, service_id: str) -> ServiceInfo:
    service = config.service(service_id)
    return ServiceInfo(service_id, service.name if service is not None else service_id)


def form_data(
    case: Case,
    config: Config,
    people: Directory,
    *,
    day: dt.date,
    lang: str,
    services: list[str] | None,
    purpose: str | None,
    expires: dt.date | None,
) -> ConsentForm:
    """The form's data, from the case as it stands on `day`. Pure: no I/O, no templates."""
    unknown = [s for s in services or [] if config.service(s) is None]
    if unknown:
        known = ", ".join(s.id for s in config.services)
        raise InputError(
            _("'{service}' is not a service in bti.yaml").format(service=unknown[0]),
            hint=_("the services are: {known}").format(known=known),
        )
    if expires is not None and expires < day:
        raise InputError(
            _("the form would expire on {date}, before today").format(date=expires.isoformat()),
            hint=_("give a later date with --expires, or leave it out to let the family write it"),
        )
    chosen = services or list(case.services)
    years = max(0, age(case.subject.born, day))
    limit = config.rules.self_consent_age
    kind = case.subject.kind
    self_consent = kind == "pregnant" or (kind != "family" and years >= limit)
    if kind == "family" or self_consent:
        voice = "none"
    elif years >= WEIGHT_AGE:
        voice = "weight"
    elif years >= HEARD_AGE:
        voice = "heard"
    else:
        voice = "none"
    guardians = [Signer(g.name, g.relation) for g in case.guardians if g.responsibility]
    others = [Signer(g.name, g.relation) for g in case.guardians if not g.responsibility]
    return ConsentForm(
        case_id=case.id,
        municipality=config.municipality,
        lang=lang,
        date=plain_date(lang, day),
        subject_name=case.subject.name,
        subject_kind=kind,
        born=plain_date(lang, case.subject.born),
        age=years,
        signs="self" if self_consent else "guardians",
        voice=voice,
        self_consent_age=limit,
        signers=[] if self_consent else guardians,
        without_responsibility=[] if self_consent else others,
        services=[_service(config, s) for s in chosen],
        purpose=purpose.strip() if purpose and purpose.strip() else None,
        expires=plain_date(lang, expires) if expires is not None else None,
        holder=staff(config, people, case.holder) if case.holder else None,
    )


def consent_form(
    case_id: str,
    *,
    services: list[str] | None,
    purpose: str | None,
    expires: dt.date | None,
    lang: str | None,
) -> str:
    """The consent form of a case, rendered in the document language and checked by the privacy
    rules (BTI505) before anything is written."""
    from bti import clock, render
    from bti.store import Repository

    repo = Repository.find()
    case = repo.load_case(case_id).case
    if case.status == "closed":
        raise Refused(
            _("case {id} is closed, so no consent is asked for in it").format(id=case.id),
            hint=_("reopen it first: bti case reopen {id} --reason '…'").format(id=case.id),
        )
    lang = lang or repo.config.language
    data = form_data(
        case,
        repo.config,
        repo.people,
        day=clock.today(),
        lang=lang,
        services=services,
        purpose=purpose,
        expires=expires,
    )
    text = render.render(repo.root, "consent-form", lang, vars(data))
    render.check_document(text, _("the consent form"))
    return text


def signed_form(path: Path, root: Path | None = None) -> SignedForm:
    """The reference a consent keeps to its signed form: the file's SHA-256 and name, never the
    file. A form inside the repository (`root`, else the one around the current folder) is
    refused: it would be committed and shared with everyone who clones it."""
    if root is None:
        from bti.store import Repository

        root = Repository.find().root
    if not path.is_file():
        raise InputError(
            _("{path}: there is no such file").format(path=path),
            hint=_("give the scanned or signed form, e.g. --form samtykke-signert.pdf"),
        )
    resolved = path.resolve()
    if root is not None and resolved.is_relative_to(root.resolve()):
        raise InputError(
            _("{path} is inside the repository, where it would be shared with everyone").format(
                path=path
            ),
            hint=_(
                "keep the signed form in the municipality's archive, outside the repository, "
                "and give its place there"
            ),
        )
    if resolved.stat().st_size > MAX_FORM_BYTES:
        raise InputError(
            _("{path} is larger than 200 MB and is not a signed form").format(path=path)
        )
    digest = hashlib.sha256()
    with resolved.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return SignedForm(sha256=digest.hexdigest(), name=path.name)
