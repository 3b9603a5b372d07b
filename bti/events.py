"""The words of the log entries that commands write, in bokmål, nynorsk and English."""

from __future__ import annotations

from typing import Any

EVENTS: dict[str, dict[str, str]] = {
    "opened": {
        "nb": "Stafettlogg opprettet på nivå 0 ({service}).",
        "nn": "Stafettlogg oppretta på nivå 0 ({service}).",
        "en": "Relay log opened at level 0 ({service}).",
    },
    "closed": {
        "nb": "Stafettloggen er avsluttet: {reason}",
        "nn": "Stafettloggen er avslutta: {reason}",
        "en": "The relay log is closed: {reason}",
    },
    "reopened": {
        "nb": "Stafettloggen er gjenåpnet: {reason}",
        "nn": "Stafettloggen er opna att: {reason}",
        "en": "The relay log is reopened: {reason}",
    },
    "guardian": {
        "nb": "Foresatt registrert ({relation}{extra}).",
        "nn": "Føresett registrert ({relation}{extra}).",
        "en": "Guardian recorded ({relation}{extra}).",
    },
    "corrected": {
        "nb": "Rettet {fields}: {reason}",
        "nn": "Retta {fields}: {reason}",
        "en": "Corrected {fields}: {reason}",
    },
    "guardian_removed": {
        "nb": "Foresatt fjernet ({relation}): {reason}",
        "nn": "Føresett fjerna ({relation}): {reason}",
        "en": "Guardian removed ({relation}): {reason}",
    },
    "no_responsibility": {
        "nb": ", uten foreldreansvar",
        "nn": ", utan foreldreansvar",
        "en": ", without parental responsibility",
    },
    "consent": {
        "nb": "Samtykke {id} gitt for {services}: {purpose}",
        "nn": "Samtykke {id} gitt for {services}: {purpose}",
        "en": "Consent {id} given for {services}: {purpose}",
    },
    "withdrawn": {
        "nb": "Samtykke {id} er trukket tilbake.{reason} {effect}",
        "nn": "Samtykke {id} er trekt tilbake.{reason} {effect}",
        "en": "Consent {id} is withdrawn.{reason} {effect}",
    },
    "to_level0": {
        "nb": "Saken går tilbake til nivå 0.",
        "nn": "Saka går tilbake til nivå 0.",
        "en": "The case returns to level 0.",
    },
    "to_closed": {
        "nb": "Saken er avsluttet.",
        "nn": "Saka er avslutta.",
        "en": "The case is closed.",
    },
    "service_added": {
        "nb": "Tjenesten {service} er med i samarbeidet.",
        "nn": "Tenesta {service} er med i samarbeidet.",
        "en": "The service {service} joins the collaboration.",
    },
    "service_removed": {
        "nb": "Tjenesten {service} er ikke lenger med.",
        "nn": "Tenesta {service} er ikkje lenger med.",
        "en": "The service {service} no longer takes part.",
    },
    "level": {
        "nb": "Nivå {old} → {new}: {reason}",
        "nn": "Nivå {old} → {new}: {reason}",
        "en": "Level {old} → {new}: {reason}",
    },
    "step": {
        "nb": "Trinn {old} → {new}: {reason}",
        "nn": "Trinn {old} → {new}: {reason}",
        "en": "Step {old} → {new}: {reason}",
    },
    "measure": {
        "nb": "Tiltak {id} satt i gang ({service}), evalueres innen {by}: {text}",
        "nn": "Tiltak {id} sett i gang ({service}), skal evaluerast innan {by}: {text}",
        "en": "Measure {id} started ({service}), to be evaluated by {by}: {text}",
    },
    "evaluated": {
        "nb": "Tiltak {id} evaluert: {outcome}. {note}",
        "nn": "Tiltak {id} evaluert: {outcome}. {note}",
        "en": "Measure {id} evaluated: {outcome}. {note}",
    },
    "offered": {
        "nb": "Stafettpinnen er tilbudt {to}.{reason}",
        "nn": "Stafettpinnen er tilboden {to}.{reason}",
        "en": "The baton is offered to {to}.{reason}",
    },
    "accepted": {
        "nb": "{to} har tatt imot stafettpinnen og er ny stafettholder.",
        "nn": "{to} har teke imot stafettpinnen og er ny stafetthaldar.",
        "en": "{to} has accepted the baton and is the new holder.",
    },
    "offer_cancelled": {
        "nb": "Samtykket dekker ikke lenger tjenesten til mottakeren.",
        "nn": "Samtykket dekkjer ikkje lenger tenesta til mottakaren.",
        "en": "The consent no longer covers the receiver's service.",
    },
    "retracted": {
        "nb": "Tilbudet om stafettpinnen til {to} er trukket tilbake.{reason}",
        "nn": "Tilbodet om stafettpinnen til {to} er trekt tilbake.{reason}",
        "en": "The offer of the baton to {to} is withdrawn.{reason}",
    },
    "released": {
        "nb": "Stafettpinnen går tilbake til {service}: {holder} er ikke lenger i saken.",
        "nn": "Stafettpinnen går attende til {service}: {holder} er ikkje lenger i saka.",
        "en": "The baton returns to {service}: {holder} is no longer in the case.",
    },
    "taken_up": {
        "nb": "{who} har tatt opp saken og er stafettholder.",
        "nn": "{who} har teke opp saka og er stafetthaldar.",
        "en": "{who} has taken up the case and is the holder.",
    },
    "declined": {
        "nb": "{to} takket nei til stafettpinnen.{reason}",
        "nn": "{to} takka nei til stafettpinnen.{reason}",
        "en": "{to} declined the baton.{reason}",
    },
}

OUTCOMES: dict[str, dict[str, str]] = {
    "end": {"nb": "avslutte", "nn": "avslutte", "en": "end"},
    "continue": {"nb": "fortsette", "nn": "halde fram", "en": "continue"},
    "adjust": {
        "nb": "justere eller prøve andre tiltak",
        "nn": "justere eller prøve andre tiltak",
        "en": "adjust or try other measures",
    },
    "refer": {"nb": "henvise videre", "nn": "vise vidare", "en": "refer on"},
}


def text(key: str, lang: str, **values: Any) -> str:
    table = EVENTS[key]
    return table.get(lang, table["nb"]).format(**values).strip()
