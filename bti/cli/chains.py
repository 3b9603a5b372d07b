"""Commands of the chains of measures (tiltakskjeder): start one from a template, record its steps
done or skipped, end it, and list a case's chains. Each change is one judged commit."""

from __future__ import annotations

import click

from bti.cli.base import change_case, echo_out, format_option, main, no_commit_option, show_outcome


@main.group()
def chain() -> None:
    """Chains of measures (tiltakskjeder) from templates/chains/, such as absence (fravaer)."""


@chain.command("start")
@click.argument("case_id")
@click.argument("template_id")
@click.option("--note", default=None, help="What confirmed the trigger, in a few words.")
@no_commit_option
def chain_start(case_id: str, template_id: str, note: str | None, no_commit: bool) -> None:
    """Start a chain: its trigger is confirmed, and its first step is due today.

    The holder or staff of a service involved in the case and covered by consent."""
    from bti import chains
    from bti.session import Session

    session = Session.start()
    session.person()
    loaded = session.repo.load_case(case_id)
    template = chains.load_template(session.repo.root, template_id)
    change = chains.start(loaded.case, session.act, template, note)
    show_outcome(session.apply(loaded, change, commit=not no_commit))


@chain.command("step")
@click.argument("case_id")
@click.argument("chain_ref")
@click.option("--note", required=True, help="What was done at the step, and what it found.")
@no_commit_option
def chain_step(case_id: str, chain_ref: str, note: str, no_commit: bool) -> None:
    """Record the chain's current step as done; the next is due after the follow-up days.

    CHAIN_REF is the chain's id (ch1), or its template's id while one such chain runs."""
    from bti import chains

    change_case(case_id, chains.record, no_commit, ref=chain_ref, skipped=False, note=note)


@chain.command("skip")
@click.argument("case_id")
@click.argument("chain_ref")
@click.option("--reason", required=True, help="Why the step is passed over.")
@no_commit_option
def chain_skip(case_id: str, chain_ref: str, reason: str, no_commit: bool) -> None:
    """Skip the chain's current step, with the reason; the next step is due at once."""
    from bti import chains

    change_case(case_id, chains.record, no_commit, ref=chain_ref, skipped=True, note=reason)


@chain.command("end")
@click.argument("case_id")
@click.argument("chain_ref")
@click.option(
    "--reason", required=True, help="Why it ends: the concern stopped, or the case moved on."
)
@no_commit_option
def chain_end(case_id: str, chain_ref: str, reason: str, no_commit: bool) -> None:
    """End a chain: the concern stopped, or the case moved on to something else."""
    from bti import chains

    change_case(case_id, chains.end, no_commit, ref=chain_ref, reason=reason)


@chain.command("list")
@click.argument("case_id")
@format_option()
def chain_list(case_id: str, fmt: str) -> None:
    """List a case's chains: the step due next and when, and the steps skipped."""
    from bti import chains
    from bti.i18n import current
    from bti.output import render_rows
    from bti.session import Session

    session = Session.start()
    loaded = session.repo.load_case(case_id)
    rows = chains.rows(loaded.case, session.time.date(), current())
    columns = ["id", "name", "what", "due", "when", "note"]
    echo_out(render_rows(rows, columns, fmt))
