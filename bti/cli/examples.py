"""One or two real examples at the end of every command's --help (issue 13).

Kept in one table rather than in each command's docstring, so that a command without examples is
caught by one test (tests/test_cli_help.py) and the examples read alike. The people and cases are
the invented ones of the shipped examples (Fjordvik kommune).
"""

from __future__ import annotations

from collections.abc import Callable

import click

from bti.i18n import N_, _

CASE = "2026-5HGZJ"
EXAMPLES: dict[str, tuple[str, ...]] = {
    "init": (
        "bti init /srv/bti/fjordvik --municipality 'Fjordvik kommune' "
        "--server-key /srv/git/fjordvik.git/bti/server_ed25519.pub",
        "bti init /tmp/prøve --municipality 'Fjordvik kommune' --lang nn --no-sealing",
    ),
    "person add": (
        "bti person add ingrid.lerer@fjordvik.example --name 'Ingrid Strandli' --service skole "
        "--role holder --key 'ssh-ed25519 AAAA… ingrid'",
    ),
    "person set": ("bti person set ingrid.lerer@fjordvik.example --key 'ssh-ed25519 AAAA… ny'",),
    "service define": ("bti service define familie --name Familietjenesten",),
    "service list": ("bti service list",),
    "person list": ("bti person list", "bti person list --service skole --format csv"),
    "person remove": (
        "bti person remove jon.nav@fjordvik.example --reason 'Har sluttet i kommunen.'",
    ),
    "team add": (
        "bti team add TOT --services skole,helsestasjon,ppt "
        "--member kari.leder@fjordvik.example --rhythm 'Hver fjerde uke' --place 'Personalrommet'",
    ),
    "team list": ("bti team list",),
    "team refer": (
        f"bti team refer {CASE} --team TOT",
        f"bti team refer {CASE} --team TOT --for-parents",
    ),
    "team set": ("bti team set TOT --rhythm 'Hver sjette uke'",),
    "step set": (f"bti step set {CASE} 3 --reason 'Tiltakene er i gang.'",),
    "key init": ("bti key init", "bti key init --key-file ~/.ssh/bti_ed25519"),
    "seal": (
        "bti seal --server-key /srv/git/fjordvik.git/bti/server_ed25519.pub "
        "--key-file /srv/git/fjordvik.git/bti/server_ed25519",
        "bti seal --fresh /srv/bti/fjordvik-ny",
    ),
    "validate": ("bti validate", "bti validate cases/2026-5HGZJ.yaml --format json"),
    "rules": ("bti rules", "bti rules --format json"),
    "schema export": ("bti schema export",),
    "case new": (
        "bti case new --service skole --name 'Ola Testesen' --born 2015-03-02 "
        "--concern 'Virker trist i friminuttene.'",
        "bti case new --service helsestasjon --kind ungdom --name 'Sara Myrvold' --born 2010-04-03",
    ),
    "case list": ("bti case list", "bti case list --level 2 --service ppt --status alle"),
    "case show": (f"bti case show {CASE}", f"bti case show {CASE} --format json"),
    "case edit": (f"bti case edit {CASE}",),
    "case close": (f"bti case close {CASE} --reason 'Målene er nådd; mor er enig.'",),
    "case reopen": (f"bti case reopen {CASE} --reason 'Ny bekymring fra skolen.'",),
    "case correct": (
        f"bti case correct {CASE} --field subject.born --value 2011-06-12 "
        "--reason 'Feil fødselsdato ved opprettelse.'",
    ),
    "guardian add": (
        f"bti guardian add {CASE} --name 'Line Vikheim' --relation mor",
        f"bti guardian add {CASE} --name 'Ole Vikheim' --relation far --phone '+47 912 34 567' "
        "--email ole.vikheim@epost.example",
    ),
    "guardian remove": (
        f"bti guardian remove {CASE} 'Ole Vikheim' --reason 'Registrert ved en feil.'",
    ),
    "log add": (
        f"bti log add {CASE} 'Samtale med mor om skolestart.'",
        f"bti log add {CASE} 'Jeg vil ha mer praktisk arbeid.' --kind stemme",
    ),
    "consent add": (
        f"bti consent add {CASE} --given-by 'Line Vikheim' --services ppt,skole "
        "--purpose 'Samarbeid om tilrettelagt opplæring' --expires 2027-06-30",
        f"bti consent add {CASE} --given-by 'Line Vikheim' --services ppt,skole "
        "--purpose 'Samarbeid om tilrettelagt opplæring' --form ~/arkiv/samtykke-signert.pdf",
    ),
    "consent form": (
        f"bti consent form {CASE} --services ppt,skole "
        "--purpose 'Samarbeid om tilrettelagt opplæring' --expires 2027-06-30 --out samtykke.md",
        f"bti consent form {CASE} --lang nn",
    ),
    "consent withdraw": (f"bti consent withdraw {CASE} c1 --reason 'Mor trekker samtykket.'",),
    "service add": (f"bti service add {CASE} barnevern",),
    "service remove": (f"bti service remove {CASE} bup",),
    "level set": (f"bti level set {CASE} 2 --reason 'Skole og helsestasjon samarbeider.'",),
    "measure add": (
        f"bti measure add {CASE} 'Samtaler med helsesykepleier annenhver uke' "
        "--responsible nils.helse@fjordvik.example --service helsestasjon --evaluate-by 2026-12-18",
    ),
    "measure evaluate": (
        f"bti measure evaluate {CASE} m1 --outcome fortsett --next-by 2027-02-15 "
        "--note 'Bedre oppmøte.' --voice 'Det hjelper å snakke med noen.'",
    ),
    "handover offer": (
        f"bti handover offer {CASE} --to nils.helse@fjordvik.example "
        "--reason 'Helsesykepleier har tettest kontakt.'",
    ),
    "handover accept": (f"bti handover accept {CASE}",),
    "handover decline": (f"bti handover decline {CASE} --reason 'Har ikke kapasitet nå.'",),
    "handover take": (f"bti handover take {CASE}",),
    "chain start": (
        f"bti chain start {CASE} fravaer --note 'Borte fire dager i september, to av dem mandager.'",
    ),
    "chain step": (
        f"bti chain step {CASE} ch1 --note 'Snakket med mor på telefon og med Ola etter timen.'",
        f"bti chain step {CASE} fravaer --note 'Møte med Ola og foreldrene; ukeplan avtalt.'",
    ),
    "chain skip": (f"bti chain skip {CASE} ch1 --reason 'PPT er allerede inne i saken.'",),
    "chain end": (
        f"bti chain end {CASE} ch1 --reason 'Fraværet har stoppet; full uke to ganger.'",
    ),
    "chain list": (f"bti chain list {CASE}", f"bti chain list {CASE} --format json"),
    "meeting agenda": (
        f"bti meeting agenda {CASE} --kind samarbeid --date 2026-12-03 --time 09:00 "
        "--place 'Møterom 2'",
        "bti meeting agenda --team TOT --date 2026-12-10",
        f"bti meeting agenda {CASE} --kind ansvarsgruppe --date 2026-12-08 --time 13:00",
    ),
    "meeting minutes": (f"bti meeting minutes {CASE} --kind evaluering --date 2026-12-03",),
    "meeting record": (
        f"bti meeting record {CASE} --kind samarbeid --date 2026-12-03 "
        "--participants 'Line Vikheim,Siri Haugnes' --summary 'Enige om nye tiltak.'",
    ),
    "due": ("bti due", "bti due --ics > frister.ics"),
    "calendar generate": (
        "bti calendar generate --school-year 2026 --format svg --out arshjul.svg",
        "bti calendar generate --year 2027 --format ics --out arshjul.ics",
    ),
    "report": (
        "bti report --from 2026-01-01 --to 2026-12-31",
        "bti report --from 2026-01-01 --to 2026-12-31 --format json",
    ),
    "audit log": (f"bti audit log {CASE}",),
    "audit verify": ("bti audit verify", "bti audit verify --since v2026-01"),
    "clone": ("bti clone git@git.fjordvik.example:bti/saker.git saker",),
    "sync": (
        "bti sync",
        "bti sync --take theirs holder",
        "bti sync --take mine measures.m2.responsible --take theirs step",
    ),
    "hooks install": ("bti hooks install", "bti hooks install --server /srv/git/fjordvik.git"),
    "hooks uninstall": ("bti hooks uninstall",),
    "completion": (
        'eval "$(bti completion bash)"   # in ~/.bashrc',
        "bti completion fish | source",
    ),
    "hook pre-commit": ("git commit   # git runs 'bti hook pre-commit' itself",),
    "hook commit-msg": ("git commit -m '2026-5HGZJ: samtale'   # git runs it with the message",),
    "hook pre-receive": ("git push   # the server's git runs it for every push",),
    "hook post-receive": ("git push   # the server's git runs it after a push was taken",),
    "hook merge-case": (
        "git merge origin/main   # git runs it for each case file both sides changed",
    ),
}


# The heading is the only word of an example block: translated when the help is formatted (the
# command lines stay as they are typed). The block is not click's `epilog`, which base.py's
# `translated_help` would look up whole in the catalogues.
HEADING = N_("Examples:")
# The comments after some command lines (`command   # comment`), marked for the catalogues.
COMMENTS = (
    N_("in ~/.bashrc"),
    N_("git runs 'bti hook pre-commit' itself"),
    N_("git runs it with the message"),
    N_("the server's git runs it for every push"),
    N_("the server's git runs it after a push was taken"),
    N_("git runs it for each case file both sides changed"),
)


def _line(line: str) -> str:
    """An example line with its comment, if any, in the person's language."""
    command, mark, comment = line.partition("   # ")
    return f"{command}{mark}{_(comment)}" if mark else line


def text(path: str) -> str | None:
    """The examples of the command `path` as its help ends, in the person's language."""
    lines = EXAMPLES.get(path)
    if not lines:
        return None
    # \b keeps click from re-flowing the lines.
    return "\b\n" + _(HEADING) + "\n" + "\n".join(f"  {_line(line)}" for line in lines)


def _writer(path: str) -> Callable[[click.Context, click.HelpFormatter], None]:
    def format_epilog(ctx: click.Context, formatter: click.HelpFormatter) -> None:
        examples = text(path)
        if examples:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(examples)

    return format_epilog


def attach(group: click.Group, prefix: str = "") -> None:
    """Give every command of `group` its examples as the end of its --help (assembled each time
    the help is shown, so the heading is in the language of that moment)."""
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        if isinstance(command, click.Group):
            attach(command, f"{path} ")
        elif command.epilog is None and path in EXAMPLES:
            command.format_epilog = _writer(path)  # type: ignore[method-assign,assignment]


def commands(group: click.Group, prefix: str = "") -> list[str]:
    found = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += commands(command, f"{prefix}{name} ")
        else:
            found.append(f"{prefix}{name}")
    return found
