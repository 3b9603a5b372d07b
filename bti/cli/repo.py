"""Commands for the repository as a whole: init, people, services, validate, rules, schemas."""

from __future__ import annotations

from pathlib import Path

import click

from bti.cli.base import echo_out, format_option, main, no_commit_option, show_outcome, split_list
from bti.i18n import _, ngettext


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option(
    "--municipality",
    default="Eksempel kommune",
    show_default=True,
    help="The municipality's name, as documents should show it.",
)
@click.option(
    "--lang",
    type=click.Choice(["nb", "nn", "en"]),
    default="nb",
    show_default=True,
    help="Language of documents and log entries: bokmål, nynorsk or English.",
)
@click.option(
    "--server-key",
    metavar="KEY",
    help="The server's public key (the line 'bti hooks install --server' printed, or its .pub "
    "file): cases are sealed to it and to the people who may read them.",
)
@click.option(
    "--no-sealing",
    is_flag=True,
    help="Write case files in plain text (to try bti out; 'bti seal' turns sealing on later).",
)
@no_commit_option
def init(
    directory: Path,
    municipality: str,
    lang: str,
    server_key: str | None,
    no_sealing: bool,
    no_commit: bool,
) -> None:
    """Make a case repository: bti.yaml, people.yaml, cases/, templates/, schemas/, git.

    Cases are sealed from the start: what a case says about the child opens only for the people
    who may read it and for the server (--server-key). Run it again where an earlier `init`
    stopped half way (before its first commit) to finish it."""
    from bti import gitrepo, keys, scaffold
    from bti.errors import InputError, Refused
    from bti.store import CONFIG

    if server_key and no_sealing:
        raise InputError(_("--server-key seals the cases and --no-sealing does not: give one"))
    if not server_key and not no_sealing:
        raise InputError(
            _(
                "bti seals case files to the people who may read them and to the server's key: "
                "give the server's public key with --server-key"
            ),
            hint=_(
                "'bti hooks install --server PATH' on the server prints it; to try bti "
                "without a server, add --no-sealing"
            ),
        )
    public = keys.public_key_argument(server_key) if server_key else None
    directory = directory.resolve()
    if not no_commit:
        gitrepo.require_identity(directory)  # before anything is written
    started = (directory / CONFIG).exists()
    if started and gitrepo.toplevel(directory) is not None and gitrepo.in_head(directory, CONFIG):
        raise Refused(
            _("{path} exists already: this is a case repository").format(path=directory / CONFIG),
            hint=_("nothing was changed; run other bti commands here"),
        )
    directory.mkdir(parents=True, exist_ok=True)
    if gitrepo.toplevel(directory) is None:
        gitrepo.init(directory)
    written = scaffold.create(directory, municipality, lang, server_key=public)
    _install_hooks(directory)
    if started:
        echo_out(
            _("finished the case repository that an earlier 'bti init' began in {path}").format(
                path=directory
            )
        )
    else:
        echo_out(
            _("created a case repository for {municipality} in {path}").format(
                municipality=municipality, path=directory
            )
        )
    if public:
        echo_out("  " + _("cases are sealed: only their readers and the server can open them"))
    else:
        echo_out(
            "  "
            + _("sealing is off: case files are plain text on every clone ('bti seal' turns it on)")
        )
    if not no_commit:
        sha = gitrepo.commit(directory, written, "bti: case repository created")
        echo_out("  " + _("[commit {sha}]").format(sha=sha[:8]))
    echo_out(
        _(
            "next: add yourself as the first person (a leader), e.g.\n"
            "  bti person add you@kommune.no --name 'Your Name' --service skole "
            "--role leader,holder"
        )
    )


def _install_hooks(directory: Path) -> None:
    from bti import hooks

    hooks.install(directory)


@main.group()
def person() -> None:
    """The staff directory (people.yaml): who may change cases, and in which roles."""


@person.command("add")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--service", required=True, help="The service the person works in (its id).")
@click.option(
    "--role",
    "roles",
    default="holder",
    show_default=True,
    help="Comma-separated roles: holder, leader, coordinator, reviewer.",
)
@click.option(
    "--key", default=None, help="The person's public SSH key (what 'bti key init' printed)."
)
@no_commit_option
def person_add(
    email: str, name: str, service: str, roles: str, key: str | None, no_commit: bool
) -> None:
    """Add a person to people.yaml, or update them. Only a leader may (anyone adds the first)."""
    from bti.checks import first_problem
    from bti.errors import InputError
    from bti.keys import parse_key, with_key
    from bti.models import Person
    from bti.session import Session
    from bti.staff import check_roles, check_service

    public = parse_key(key) if key is not None else None

    wanted = check_roles(split_list(roles))
    session = Session.start()
    session.leader()
    repo = session.repo
    check_service(repo, service)
    try:
        new_person = Person(email=email, name=name, service=service, roles=wanted)
    except ValueError as err:
        raise InputError(
            _("'{email}' cannot be added: {problem}").format(
                email=email, problem=first_problem(err)
            )
        ) from None
    old = repo.people
    current = old.get(new_person.email)
    if current is not None:  # an update keeps the keys unless a new one is given
        new_person = new_person.model_copy(
            update={"key": current.key, "former_keys": current.former_keys}
        )
    people = [new_person if p.email == new_person.email else p for p in old.people]
    updated = old.model_copy(update={"people": people if current else [*people, new_person]})
    if public is not None:
        updated = with_key(updated, new_person.email, public, session.time.date())
    existed = current is not None
    said = (
        _("person updated ({service}: {roles})")
        if existed
        else _("person added ({service}: {roles})")
    )
    from bti.words import value_word

    summary = said.format(service=service, roles=", ".join(value_word("role", r) for r in wanted))
    show_outcome(session.save_settings("people.yaml", old, updated, summary, commit=not no_commit))


@person.command("list")
@click.option("--service", default=None, help="Only the people of this service (its id).")
@format_option()
def person_list(service: str | None, fmt: str) -> None:
    """List the people in people.yaml: name, email, service, roles, and whether a signing key is
    registered."""
    from bti.output import render_rows
    from bti.staff import check_service, person_rows
    from bti.store import Repository

    repo = Repository.find()
    if service is not None:
        check_service(repo, service)
    rows = person_rows(repo.people, service)
    echo_out(render_rows(rows, ["name", "email", "service", "roles", "key"], fmt))


@person.command("set")
@click.argument("email")
@click.option("--name", default=None, help="The person's full name.")
@click.option("--service", default=None, help="The service the person works in (its id).")
@click.option(
    "--role",
    "roles",
    default=None,
    help="Comma-separated roles, replacing the present ones: holder, leader, coordinator, "
    "reviewer.",
)
@click.option(
    "--key", default=None, help="The person's public SSH key (what 'bti key init' printed)."
)
@no_commit_option
def person_set(
    email: str,
    name: str | None,
    service: str | None,
    roles: str | None,
    key: str | None,
    no_commit: bool,
) -> None:
    """Change a person's name, service or roles, or register or rotate their signing key. Only a
    leader may. A replaced key is kept under former_keys with the date: it signs nothing new, and
    old commits stay readable."""
    from bti.errors import InputError
    from bti.keys import describe, parse_key, with_key
    from bti.session import Session
    from bti.staff import check_service, with_changes

    if name is None and service is None and roles is None and key is None:
        raise InputError(
            _("nothing to change"), hint=_("give --name, --service, --role or --key (or several)")
        )
    public = parse_key(key) if key is not None else None
    session = Session.start()
    session.leader()
    old = session.repo.people
    found = old.get(email)
    if found is None:
        raise InputError(
            _("{email} is not in people.yaml").format(email=email),
            hint=_("add them: bti person add {email} --name NAME --service S --role holder").format(
                email=email
            ),
        )
    if service is not None:
        check_service(session.repo, service)
    updated = with_changes(
        old,
        found.email,
        name=name,
        service=service,
        roles=split_list(roles) if roles is not None else None,
    )
    done = []
    if updated != old:
        done.append(_("person updated"))
    if public is not None and found.key != public:
        updated = with_key(updated, found.email, public, session.time.date())
        said = _("key replaced ({key})") if found.key else _("key registered ({key})")
        done.append(said.format(key=describe(public)))
    if not done:
        echo_out(_("{email} is already so; nothing changed").format(email=found.email))
        return
    summary = "; ".join(done)
    show_outcome(session.save_settings("people.yaml", old, updated, summary, commit=not no_commit))


@person.command("remove")
@click.argument("email")
@click.option("--reason", required=True, help="Why the person leaves the directory.")
@no_commit_option
def person_remove(email: str, reason: str, no_commit: bool) -> None:
    """Take a person out of people.yaml. Only a leader may. Refused for the last leader, and while
    the person holds an open case or is offered a baton (hand those over first). In a sealed
    repository the cases they could read get new keys when next written."""
    from bti.session import Session
    from bti.staff import without

    session = Session.start()
    session.leader()
    old = session.repo.people
    updated = without(session.repo, old, email)
    summary = _("person removed ({reason})").format(reason=reason)
    show_outcome(session.save_settings("people.yaml", old, updated, summary, commit=not no_commit))


@main.command()
@format_option()
def rules(fmt: str) -> None:
    """List every rule: its code, severity and what it checks."""
    from bti.i18n import pgettext
    from bti.output import render_rows
    from bti.rules import rules as all_rules
    from bti.rules.core import kind_word, severity_word

    if fmt == "json":  # keys and values a program reads stay as they are; the summary is prose
        rows = [
            {"code": r.code, "severity": r.severity, "checked": r.kind, "rule": r.described}
            for r in all_rules()
        ]
        echo_out(render_rows(rows, ["code", "severity", "checked", "rule"], fmt))
        return
    columns = [
        pgettext("rules table", "code"),
        pgettext("rules table", "severity"),
        pgettext("rules table", "checked"),
        pgettext("rules table", "rule"),
    ]
    rows = [
        dict(
            zip(
                columns,
                (r.code, severity_word(r.severity), kind_word(r.kind), r.described),
                strict=True,
            )
        )
        for r in all_rules()
    ]
    echo_out(render_rows(rows, columns, fmt))


@main.group()
def schema() -> None:
    """JSON Schemas of bti.yaml, people.yaml and case files, for editors."""


@schema.command("export")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write to (default: schemas/ of the repository, or ./schemas).",
)
def schema_export(out: Path | None) -> None:
    """Write the JSON Schemas (bti, people, case) so editors validate while typing."""
    from bti.scaffold import export_schemas
    from bti.store import find_root

    if out is None:
        root = find_root(Path.cwd())
        out = (root or Path.cwd()) / "schemas"
    for path in export_schemas(out):
        echo_out(_("wrote {path}").format(path=path))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--no-cache", is_flag=True, help="Judge every file again, ignoring cached results.")
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes for large repositories (default: one per core, up to 4).",
)
def validate(paths: tuple[Path, ...], fmt: str, no_cache: bool, jobs: int | None) -> None:
    """Check case files and settings: syntax, schema, references and the rules of one version.

    With no PATH, checks bti.yaml, people.yaml and every file under cases/. Prints every problem
    like a linter (file:line:col: CODE severity: message) and exits 1 when there are errors.
    """
    import json

    from bti.store import Repository
    from bti.validation import validate as run_validate

    start = paths[0] if paths else None
    if start is not None and not start.is_dir():
        start = start.parent
    repo = Repository.find(start)
    report = run_validate(repo, list(paths) or None, use_cache=not no_cache, jobs=jobs)
    if fmt == "json":
        echo_out(
            json.dumps(
                {
                    "files": report.files,
                    "errors": report.errors,
                    "warnings": report.warnings,
                    "not_readable": report.not_readable,
                    "violations": [v.as_dict() for v in report.violations],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for violation in report.violations:
            echo_out(violation.render())
        if not report.violations:
            summary = ngettext(
                "{files} file checked: ok", "{files} files checked: ok", report.files
            ).format(files=report.files)
        else:
            summary = ngettext(
                "{files} file checked: {errors} errors, {warnings} warnings",
                "{files} files checked: {errors} errors, {warnings} warnings",
                report.files,
            ).format(files=report.files, errors=report.errors, warnings=report.warnings)
        click.echo(summary, err=True)
    if report.not_readable:
        click.echo(not_readable_note(report.not_readable), err=True)
    if report.errors:
        raise SystemExit(1)


def not_readable_note(count: int) -> str:
    """What validate could not judge here, in one line."""
    return ngettext(
        "{n} sealed case is not readable here: its sealing was checked, its content is judged "
        "by the server and its readers",
        "{n} sealed cases are not readable here: their sealing was checked, their content is "
        "judged by the server and their readers",
        count,
    ).format(n=count)
