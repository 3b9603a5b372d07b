"""Commands of the collaboration around a case: consent, services, level, measures and the handing
over of the baton. Each is one judged change and one commit by the acting person."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from bti.cli.base import (
    DATE,
    Words,
    change_case,
    echo_out,
    format_option,
    main,
    no_commit_option,
    show_outcome,
    split_list,
)
from bti.i18n import _


@main.group()
def consent() -> None:
    """Consent (samtykke): who may share, for which services, for how long."""


@consent.command("add")
@click.argument("case_id")
@click.option(
    "--given-by",
    required=True,
    help="Comma-separated guardian names, or 'subject' for the young person's own.",
)
@click.option("--services", required=True, help="Comma-separated service ids the consent covers.")
@click.option("--purpose", required=True, help="What the information may be shared for.")
@click.option("--given", type=DATE, default=None, help="Date given (default: today).")
@click.option("--expires", type=DATE, default=None, help="Last day the consent is valid.")
@click.option(
    "--form",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The signed consent form (a scan), kept outside git: only its SHA-256 and name are "
    "recorded.",
)
@no_commit_option
def consent_add(
    case_id: str,
    given_by: str,
    services: str,
    purpose: str,
    given: dt.date | None,
    expires: dt.date | None,
    form: Path | None,
    no_commit: bool,
) -> None:
    """Record a consent: by guardians with parental responsibility, or the subject when allowed."""
    from bti import actions, clock
    from bti.consentform import signed_form

    change_case(
        case_id,
        actions.add_consent,
        no_commit,
        given_by=split_list(given_by),
        services=split_list(services),
        purpose=purpose,
        given=given or clock.today(),
        expires=expires,
        form=signed_form(form) if form is not None else None,
    )


@consent.command("withdraw")
@click.argument("case_id")
@click.argument("consent_id")
@click.option("--reason", default=None, help="Why, if the person said.")
@no_commit_option
def consent_withdraw(case_id: str, consent_id: str, reason: str | None, no_commit: bool) -> None:
    """Record a withdrawal; the case goes to level 0 unless other consents still cover it.

    A pending offer of the baton to someone whose service is no longer covered is cancelled in the
    same change. The holder or a leader of the holder's service records it."""
    from bti import actions
    from bti.rules.consent import uncovered
    from bti.session import Session

    session = Session.start()
    session.person()
    loaded = session.repo.load_case(case_id)
    trial = actions.withdraw_consent(
        loaded.case, session.act, consent_id.lower(), reason, still_covered=True
    )
    ctx = session.context(session.repo.relative(loaded.path))
    from bti.rules.consent import covering

    covered = bool(covering(trial.case, ctx, honour_expiry=True)) and not uncovered(
        trial.case, ctx, honour_expiry=True
    )
    change = (
        trial
        if covered
        else actions.withdraw_consent(
            loaded.case, session.act, consent_id.lower(), reason, still_covered=False
        )
    )
    from bti.rules.permissions import may_hold

    change = actions.cancel_offers(change, session.act, lambda to: may_hold(change.case, to, ctx))
    change = actions.release_baton(change, session.act, lambda who: may_hold(change.case, who, ctx))
    show_outcome(session.apply(loaded, change, commit=not no_commit))


@main.group()
def service() -> None:
    """Services: define the municipality's services; add or remove them in a case."""


@service.command("list")
@format_option()
def service_list(fmt: str) -> None:
    """List the municipality's services: id, name, whether external, and how many open cases
    involve each."""
    from bti.output import render_rows
    from bti.settings import service_rows
    from bti.store import Repository

    rows = service_rows(Repository.find())
    echo_out(render_rows(rows, ["id", "name", "external", "open_cases"], fmt))


@service.command("define")
@click.argument("service_id")
@click.option("--name", required=True, help="The service's name as documents show it.")
@click.option("--external", is_flag=True, help="Outside the municipality (BUP, specialist health).")
@no_commit_option
def service_define(service_id: str, name: str, external: bool, no_commit: bool) -> None:
    """Define (or rename) a service of the municipality in bti.yaml. Leaders only."""
    from bti.errors import InputError
    from bti.models import Service
    from bti.session import Session

    session = Session.start()
    session.leader()
    config = session.repo.config
    try:
        new = Service(id=service_id, name=name, external=external)
    except ValueError:
        raise InputError(
            _("'{service}' is not a service id").format(service=service_id),
            hint=_("use lowercase letters, digits, - or _, like ppt or skole"),
        ) from None
    existed = config.service(service_id) is not None
    services = [new if s.id == service_id else s for s in config.services]
    updated = config.model_copy(update={"services": services if existed else [*services, new]})
    if existed:
        summary = _("service {service} renamed").format(service=service_id)
    else:
        summary = _("service {service} defined").format(service=service_id)
    show_outcome(session.save_settings("bti.yaml", config, updated, summary, commit=not no_commit))


@service.command("add")
@click.argument("case_id")
@click.argument("service_id")
@no_commit_option
def service_add(case_id: str, service_id: str, no_commit: bool) -> None:
    """Involve a service in a case. A valid consent must cover it."""
    from bti import actions

    change_case(case_id, actions.add_service, no_commit, service=service_id)


@service.command("remove")
@click.argument("case_id")
@click.argument("service_id")
@no_commit_option
def service_remove(case_id: str, service_id: str, no_commit: bool) -> None:
    """Take a service out of a case."""
    from bti import actions

    change_case(case_id, actions.remove_service, no_commit, service=service_id)


@main.group()
def level() -> None:
    """The level (nivå 0–3) of a case."""


@level.command("set")
@click.argument("case_id")
@click.argument("new_level", type=click.IntRange(0, 3))
@click.option("--reason", required=True, help="Why the level changes (goes into the log).")
@click.option("--step", type=click.IntRange(1, 5), default=None, help="The step (trinn 1–5).")
@no_commit_option
def level_set(case_id: str, new_level: int, reason: str, step: int | None, no_commit: bool) -> None:
    """Change the level. Level ≥ 1 needs consent and a holder; 2 needs ≥ 2 services; 3 needs ≥ 3."""
    from bti import actions

    change_case(case_id, actions.set_level, no_commit, level=new_level, reason=reason, step=step)


@main.group()
def step() -> None:
    """The step (trinn 1–5) of a case within its level."""


@step.command("set")
@click.argument("case_id")
@click.argument("new_step", type=click.IntRange(1, 5))
@click.option("--reason", required=True, help="Why the step changes (goes into the log).")
@no_commit_option
def step_set(case_id: str, new_step: int, reason: str, no_commit: bool) -> None:
    """Change the step within the present level. The holder or a leader of the holder's service."""
    from bti import actions

    change_case(case_id, actions.set_step, no_commit, step=new_step, reason=reason)


@main.group()
def measure() -> None:
    """Measures (tiltak) and their evaluations."""


@measure.command("add")
@click.argument("case_id")
@click.argument("text")
@click.option("--responsible", required=True, help="Email of the person responsible.")
@click.option("--service", "service_id", required=True, help="The service carrying it out.")
@click.option("--evaluate-by", type=DATE, required=True, help="Evaluate by this date.")
@click.option("--start", type=DATE, default=None, help="Start date (default: today).")
@no_commit_option
def measure_add(
    case_id: str,
    text: str,
    responsible: str,
    service_id: str,
    evaluate_by: dt.date,
    start: dt.date | None,
    no_commit: bool,
) -> None:
    """Add a measure with a responsible person and an evaluate-by date.

    The responsible person works in a service involved in the case and covered by consent."""
    from bti import actions

    change_case(
        case_id,
        actions.add_measure,
        no_commit,
        text=text,
        responsible=responsible.lower(),
        service=service_id,
        evaluate_by=evaluate_by,
        start=start,
    )


@measure.command("evaluate")
@click.argument("case_id")
@click.argument("measure_id")
@click.option(
    "--outcome",
    type=Words(["end", "continue", "adjust", "refer"]),
    required=True,
    help="end · continue (effect, not there yet) · adjust · refer (other services).",
)
@click.option("--note", required=True, help="What the evaluation found.")
@click.option(
    "--voice", default=None, help="The child's own view. Asked for when the child is 7 or older."
)
@click.option(
    "--next-by",
    type=DATE,
    default=None,
    help="The next evaluate-by date, when the measure goes on (continue or adjust).",
)
@no_commit_option
def measure_evaluate(
    case_id: str,
    measure_id: str,
    outcome: str,
    note: str,
    voice: str | None,
    next_by: dt.date | None,
    no_commit: bool,
) -> None:
    """Evaluate a measure; records the child's voice (barnets stemme) from age 7.

    The holder or the measure's responsible person evaluates it."""
    from bti import actions, clock
    from bti.session import Session

    session = Session.start()
    session.person()
    loaded = session.repo.load_case(case_id)
    subject = loaded.case.subject
    if (
        voice is None
        and subject.kind in ("child", "youth")
        and clock.age(subject.born, session.time.date()) >= 7
    ):
        if not sys.stdin.isatty():
            from bti.errors import InputError

            raise InputError(
                _("the child is 7 or older and must be heard (barneloven § 31)"),
                hint=_("give the child's own view with --voice '…'"),
            )
        voice = click.prompt(_("The child's own view (barnets stemme)")).strip() or None
    change = actions.evaluate_measure(
        loaded.case,
        session.act,
        measure_id.lower(),
        outcome=outcome,
        note=note,
        voice=voice,
        next_by=next_by,
    )
    show_outcome(session.apply(loaded, change, commit=not no_commit))


@main.group()
def handover() -> None:
    """Handing the baton (stafettpinnen) to a new holder: offer, then accept or decline."""


@handover.command("offer")
@click.argument("case_id")
@click.option("--to", "to", required=True, help="Email of the proposed new holder.")
@click.option("--reason", default=None, help="Why the baton should move.")
@no_commit_option
def handover_offer(case_id: str, to: str, reason: str | None, no_commit: bool) -> None:
    """Offer the baton. The holder keeps it until the new holder accepts."""
    from bti import actions

    change_case(case_id, actions.offer_handover, no_commit, to=to.lower(), reason=reason)


@handover.command("accept")
@click.argument("case_id")
@no_commit_option
def handover_accept(case_id: str, no_commit: bool) -> None:
    """Accept the baton offered to you; you become the holder."""
    from bti import actions

    change_case(case_id, actions.answer_handover, no_commit, accept=True, note=None)


@handover.command("take")
@click.argument("case_id")
@no_commit_option
def handover_take(case_id: str, no_commit: bool) -> None:
    """Take up a case at level 0 that has no holder (its baton came back to the owner service when
    a consent was withdrawn); for a holder of the owner service.

    Example: bti handover take 2026-7KQ3M"""
    from bti import actions

    change_case(case_id, actions.take_up, no_commit)


@handover.command("decline")
@click.argument("case_id")
@click.option("--reason", default=None, help="Why you decline.")
@no_commit_option
def handover_decline(case_id: str, reason: str | None, no_commit: bool) -> None:
    """Decline the baton offered to you; the holder keeps it. The person who made the offer (or
    the holder) can take it back the same way."""
    from bti import actions

    change_case(case_id, actions.answer_handover, no_commit, accept=False, note=reason)
