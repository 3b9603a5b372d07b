"""The words of the log entries that commands write; their bokmål and nynorsk are in the
catalogues (bti/i18n.py), and an entry is written in the document language (bti.yaml's)."""

from __future__ import annotations

from typing import Any

from bti.i18n import N_, translations

EVENTS: dict[str, str] = {
    "opened": N_("Relay log opened at level 0 ({service})."),
    "closed": N_("The relay log is closed: {reason}"),
    "reopened": N_("The relay log is reopened: {reason}"),
    "guardian": N_("Guardian recorded ({relation}{extra})."),
    "corrected": N_("Corrected {fields}: {reason}"),
    "guardian_removed": N_("Guardian removed ({relation}): {reason}"),
    "no_responsibility": N_(", without parental responsibility"),
    "consent": N_("Consent {id} given for {services}: {purpose}"),
    "withdrawn": N_("Consent {id} is withdrawn.{reason} {effect}"),
    "to_level0": N_("The case returns to level 0."),
    "to_closed": N_("The case is closed."),
    "service_added": N_("The service {service} joins the collaboration."),
    "service_removed": N_("The service {service} no longer takes part."),
    "level": N_("Level {old} → {new}: {reason}"),
    "step": N_("Step {old} → {new}: {reason}"),
    "measure": N_("Measure {id} started ({service}), to be evaluated by {by}: {text}"),
    "evaluated": N_("Measure {id} evaluated: {outcome}. {note}"),
    "offered": N_("The baton is offered to {to}.{reason}"),
    "accepted": N_("{to} has accepted the baton and is the new holder."),
    "offer_cancelled": N_("The consent no longer covers the receiver's service."),
    "retracted": N_("The offer of the baton to {to} is withdrawn.{reason}"),
    "released": N_("The baton returns to {service}: {holder} is no longer in the case."),
    "taken_up": N_("{who} has taken up the case and is the holder."),
    "declined": N_("{to} declined the baton.{reason}"),
    "chain_started": N_(
        "Chain {id} started: {name}. The trigger is confirmed: {trigger} Step 1 ({title}) is due now."
    ),
    "chain_done": N_("Chain {id}, step {step} of {steps} done ({title}): {note}"),
    "chain_skipped": N_("Chain {id}, step {step} of {steps} skipped ({title}): {note}"),
    "chain_next": N_("Step {step} ({title}) is due by {date}."),
    "chain_last": N_("That was the chain's last step."),
    "chain_ended": N_("Chain {id} ended (steps recorded: {done}): {reason}"),
}


def outcome_name(outcome: str, lang: str) -> str:
    """An evaluation's outcome (end, continue, adjust, refer) in the words of `lang`."""
    tr = translations(lang)
    names = {
        "end": tr.pgettext("outcome", "end"),
        "continue": tr.pgettext("outcome", "continue"),
        "adjust": tr.pgettext("outcome", "adjust or try other measures"),
        "refer": tr.pgettext("outcome", "refer on"),
    }
    return names.get(outcome, outcome)


def text(key: str, lang: str, **values: Any) -> str:
    return translations(lang).gettext(EVENTS[key]).format(**values).strip()
