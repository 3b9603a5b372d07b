"""Builders for pure rule tests: case dicts in, violations out — no git, no CLI.

Every person here is invented (emails at fjordvik.example) and every national id is synthetic
(month + 80). A test takes a lawful case dict from one of the builders, changes what it is about,
and judges it with `state` (one version) or `change` (before → after).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from typing import Any

from bti.models import Case, Config, Directory
from bti.rules import Context, Violation, check_change, check_state

TZ = dt.timezone(dt.timedelta(hours=2))
NOW = dt.datetime(2026, 9, 15, 12, 0, tzinfo=TZ)
TODAY = NOW.date()

CASE_ID = "2026-7KQ3M"

# The directory: who is who in Fjordvik kommune.
LEADER = "kari.leder@fjordvik.example"  # leader and holder, skole
HOLDER = "ingrid.lerer@fjordvik.example"  # holder, skole
TEACHER = "tor.kontakt@fjordvik.example"  # holder, skole
NURSE = "nils.helse@fjordvik.example"  # holder, helsestasjon
NURSE_LEADER = "hanne.leder@fjordvik.example"  # leader (no holder role), helsestasjon
PPT = "per.ppt@fjordvik.example"  # holder, ppt
REVIEWER = "rita.revisor@fjordvik.example"  # reviewer only, skole
STRANGER = "ukjent@fjordvik.example"  # not in people.yaml

PEOPLE = Directory.model_validate(
    {
        "people": [
            {
                "email": LEADER,
                "name": "Kari Fjellstad",
                "service": "skole",
                "roles": ["leader", "holder"],
            },
            {"email": HOLDER, "name": "Ingrid Strandli", "service": "skole", "roles": ["holder"]},
            {"email": TEACHER, "name": "Tor Vikane", "service": "skole", "roles": ["holder"]},
            {
                "email": NURSE,
                "name": "Nils Bakkevik",
                "service": "helsestasjon",
                "roles": ["holder"],
            },
            {
                "email": NURSE_LEADER,
                "name": "Hanne Lundeby",
                "service": "helsestasjon",
                "roles": ["leader"],
            },
            {"email": PPT, "name": "Per Haugsnes", "service": "ppt", "roles": ["holder"]},
            {"email": REVIEWER, "name": "Rita Solbakk", "service": "skole", "roles": ["reviewer"]},
        ]
    }
)

SERVICES = ["skole", "helsestasjon", "ppt", "barnevern", "bup"]
EXTERNAL = "bup"


def config(self_consent_age: int = 15) -> Config:
    return Config.model_validate(
        {
            "municipality": "Fjordvik kommune",
            "services": [
                {"id": "skole", "name": "Fjordvik skule"},
                {"id": "helsestasjon", "name": "Helsestasjon og skulehelseteneste"},
                {"id": "ppt", "name": "PPT"},
                {"id": "barnevern", "name": "Barnevernstenesta"},
                {"id": "bup", "name": "BUP Fjordvik", "external": True},
            ],
            "rules": {"self_consent_age": self_consent_age},
        }
    )


CONFIG = config()
CONFIG_16 = config(16)

# Synthetic national ids (Tenor: month + 80).
NID = "09821750056"
NID_2 = "30911450042"
NID_3 = "03841050095"

MOTHER = "Mari Testesen"
FATHER = "Jon Testesen"  # without parental responsibility
SUBJECT_NAME = "Ola Testesen"


def at(day: str, clock: str = "09:00") -> str:
    """An ISO time on a September day of 2026 (or a full date), Norwegian summer time."""
    return f"{day}T{clock}:00+02:00"


def entry(text: str, time: str = "2026-09-15T11:00:00+02:00", author: str = HOLDER) -> dict:
    return {"time": time, "author": author, "kind": "event", "text": text}


def level0() -> dict[str, Any]:
    """A lawful case at level 0: the concern, inside the owner service only."""
    return {
        "schema_version": 1,
        "id": CASE_ID,
        "status": "open",
        "level": 0,
        "step": 1,
        "opened": "2026-09-01",
        "subject": {"kind": "child", "name": SUBJECT_NAME, "born": "2015-03-02"},
        "guardians": [
            {"name": MOTHER, "relation": "mor", "responsibility": True},
            {"name": FATHER, "relation": "far", "responsibility": False},
        ],
        "concern": {
            "text": "Virker trist og sliten i timene.",
            "noted": "2026-09-01",
            "by": HOLDER,
        },
        "owner_service": "skole",
        "services": ["skole"],
        "holder": HOLDER,
        "consents": [],
        "handovers": [],
        "measures": [],
        "meetings": [],
        "log": [entry("Stafettlogg opprettet på nivå 0 (skole).", at("2026-09-01"))],
    }


def consent(
    cid: str = "c1",
    services: Iterable[str] = ("skole",),
    given_by: Iterable[str] = (MOTHER,),
    given: str = "2026-09-02",
    expires: str | None = "2027-06-30",
) -> dict[str, Any]:
    return {
        "id": cid,
        "given_by": list(given_by),
        "services": list(services),
        "purpose": "Tiltak og samarbeid rundt trivsel",
        "given": given,
        "expires": expires,
        "recorded_by": HOLDER,
    }


def measure(
    mid: str = "m1",
    service: str = "skole",
    responsible: str | None = HOLDER,
    evaluate_by: str | None = "2026-11-01",
) -> dict[str, Any]:
    return {
        "id": mid,
        "text": "Fast samtale med kontaktlærer hver uke",
        "service": service,
        "responsible": responsible,
        "start": "2026-09-03",
        "evaluate_by": evaluate_by,
        "added_by": HOLDER,
        "evaluations": [],
    }


def level1() -> dict[str, Any]:
    """A lawful case at level 1: consent from the mother, a holder, one complete measure."""
    d = level0()
    d["level"] = 1
    d["consents"] = [consent()]
    d["measures"] = [measure()]
    d["log"] += [
        entry("Samtykke c1 gitt for skole.", at("2026-09-02")),
        entry("Nivå 0 → 1: mor ønsker tiltak.", at("2026-09-02", "09:05")),
        entry("Tiltak m1 satt i gang.", at("2026-09-03")),
    ]
    return d


def level2() -> dict[str, Any]:
    """A lawful case at level 2: skole and helsestasjon, both covered by the consent."""
    d = level1()
    d["level"] = 2
    d["services"] = ["skole", "helsestasjon"]
    d["consents"] = [consent(services=["skole", "helsestasjon"])]
    d["log"].append(entry("Nivå 1 → 2: helsesykepleier trengs.", at("2026-09-04")))
    return d


def level3() -> dict[str, Any]:
    """A lawful case at level 3: two municipal services and an external one (BUP)."""
    d = level2()
    d["level"] = 3
    d["services"] = ["skole", "helsestasjon", EXTERNAL]
    d["consents"] = [consent(services=["skole", "helsestasjon", EXTERNAL])]
    d["log"].append(entry("Nivå 2 → 3: henvist til BUP.", at("2026-09-05")))
    return d


def copy_of(d: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(d)


def make(d: dict[str, Any]) -> Case:
    return Case.model_validate(d)


def ctx(
    author: str | None = HOLDER,
    *,
    time: dt.datetime = NOW,
    cfg: Config = CONFIG,
    path: str = "",
) -> Context:
    return Context(cfg, PEOPLE, time, author, path)


def state(d: dict[str, Any] | Case, **kw: Any) -> list[Violation]:
    return check_state(d if isinstance(d, Case) else make(d), ctx(**kw))


def change(
    before: dict[str, Any] | Case | None, after: dict[str, Any] | Case | None, **kw: Any
) -> list[Violation]:
    b = before if before is None or isinstance(before, Case) else make(before)
    a = after if after is None or isinstance(after, Case) else make(after)
    return check_change(b, a, ctx(**kw))


def codes(violations: Iterable[Violation]) -> list[str]:
    return sorted(v.code for v in violations)


def errors(violations: Iterable[Violation]) -> list[Violation]:
    return [v for v in violations if v.is_error]


def only(violations: Iterable[Violation], code: str) -> Violation:
    """The one violation with this code (and fail with all of them shown otherwise)."""
    violations = list(violations)
    found = [v for v in violations if v.code == code]
    assert len(found) == 1, f"expected one {code}, got: {[v.render() for v in violations]}"
    return found[0]


def having(violations: Iterable[Violation], code: str) -> list[Violation]:
    return [v for v in violations if v.code == code]


def clean(violations: Iterable[Violation]) -> None:
    violations = list(violations)
    assert violations == [], [v.render() for v in violations]


def words(message: str, *parts: str) -> None:
    """Every part appears in the message (the words that tell the user what to do)."""
    missing = [p for p in parts if p not in message]
    assert not missing, f"{missing} not in: {message}"
