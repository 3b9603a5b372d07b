"""Templates are code: a template from the repository renders in a sandbox, and one that reaches
for internals, loops without end or swells without bound is stopped with a clear message, before it
writes anything. `template_problems` is the same judgment for the hooks and the server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bti import sandbox
from bti.resources import builtin
from bti.rules.templates import template_problems
from tests.conftest import HOLDER, Bti, git, isolated_environment, new_case

AGENDA = "templates/meeting-agenda.en.md.j2"

# Each would run code, read a file, or exhaust the machine outside a sandbox. MARKER is created
# by the ones that would run a command.
ATTACKS = {
    "mro": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "cycler": "{{ cycler.__init__.__globals__.os.popen('touch MARKER').read() }}",
    "self": "{{ self._TemplateReference__context.cycler.__init__.__globals__.os }}",
    "lipsum": "{{ lipsum.__globals__['os'].system('touch MARKER') }}",
    "namespace": "{% set ns = namespace(x=1) %}{{ ns.x }}",
    "config": "{{ config.items() }}",
    "dunder": "{{ title.__class__ }}",
    "getitem": "{{ title['__class__'] }}",
    "attr-filter": "{{ title|attr('__class__') }}",
    "format": "{{ '{0.__class__.__init__.__globals__}'.format(title) }}",
    "range": "{% for i in range(10**10) %}x{% endfor %}",
    "repeat": "{{ 'x' * 10**9 }}",
    "power": "{{ 10**10**10 }}",
    "nested-loops": "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
    "recursion": "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "doubling": "{% macro d(s, n) %}{{ d(s ~ s, n - 1) if n else s }}{% endmacro %}{{ d('x', 40) }}",
    "include": "{% include '../../etc/passwd' %}",
    "extends": "{% extends '/etc/passwd' %}",
    "append": "{{ guardians.append(1) }}{{ decisions.clear() }}",
    "center": "{{ title|center(1000000000) }}",
    "percent": "{{ '%0999999999d' % 1 }}",
    "output": "{% for i in range(99999) %}{{ title * 1000 }}{% endfor %}",
}


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, _repo_template: Path
) -> Iterator[tuple[Bti, str]]:
    home = tmp_path_factory.mktemp("sandbox-home")
    with isolated_environment(home):
        root = tmp_path_factory.mktemp("sandbox") / "repo"
        shutil.copytree(_repo_template, root, symlinks=True)
        bti = Bti(root)
        yield bti, new_case(bti)


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_template_is_refused_and_runs_nothing(world: tuple[Bti, str], name: str) -> None:
    bti, case_id = world
    own = bti.cwd / AGENDA
    saved = own.read_bytes()
    out = bti.cwd / "agenda.md"
    own.write_text(ATTACKS[name] + "\n", "utf-8")
    try:
        result = bti(
            *("meeting", "agenda", case_id, "--kind", "coordination", "--lang", "en"),
            *("--out", str(out)),
            who=HOLDER,
        )
    finally:
        own.write_bytes(saved)
    assert result.exit_code == 2, result.output
    assert AGENDA in result.output
    assert "Traceback" not in result.output
    assert not (bti.cwd / "MARKER").exists() and not out.exists()
    assert not Path("MARKER").exists()


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_the_sandbox_alone_stops_each_attack(name: str) -> None:
    """Without the static check in front (a template bti's own folder might hold one day)."""
    from jinja2 import DictLoader, TemplateError

    env = sandbox.environment(DictLoader({"t.j2": ATTACKS[name], "x": ""}))
    data = {"title": "Møte", "guardians": [], "decisions": ["a"]}
    with pytest.raises((TemplateError, OverflowError, RecursionError)):
        sandbox.render_bounded(env, "t.j2", data)
    assert data["decisions"] == ["a"]


def test_a_sound_repository_template_still_renders(world: tuple[Bti, str]) -> None:
    bti, case_id = world
    own = bti.cwd / AGENDA
    saved = own.read_bytes()
    own.write_text(
        "# {{ title }}\n{% for g in guardians %}- {{ g.name|upper }}{% endfor %}"
        "{% for i in range(3) %}{{ loop.index }}{% endfor %}\n",
        "utf-8",
    )
    try:
        result = bti(*("meeting", "agenda", case_id, "--kind", "coordination", "--lang", "en"))
    finally:
        own.write_bytes(saved)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Coordination meeting") and "123" in result.output


def test_a_template_linked_outside_its_folder_is_not_read(world: tuple[Bti, str]) -> None:
    bti, case_id = world
    secret = bti.cwd.parent / "secret.txt"
    secret.write_text("top secret\n", "utf-8")
    own = bti.cwd / AGENDA
    saved = own.read_bytes()
    own.unlink()
    own.symlink_to(secret)
    try:
        result = bti(*("meeting", "agenda", case_id, "--kind", "coordination", "--lang", "en"))
    finally:
        own.unlink()
        own.write_bytes(saved)
    assert "top secret" not in result.output
    assert git(bti.cwd, "status", "--porcelain") == ""


# -- template_problems: the judgment the hooks and the server call -------------------------------


def _shipped() -> list[Path]:
    return sorted(p for p in builtin("templates").iterdir() if p.suffix in (".j2", ".yaml"))


@pytest.mark.parametrize("path", _shipped(), ids=lambda p: p.name)
def test_every_shipped_template_passes(path: Path) -> None:
    assert template_problems(f"templates/{path.name}", path.read_bytes()) == []


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_static_check_refuses_what_the_sandbox_would_stop(name: str) -> None:
    found = template_problems(AGENDA, ATTACKS[name].encode())
    static = {"range", "repeat", "power", "nested-loops", "center", "percent", "output"}
    static |= {"recursion", "doubling"}
    if name in static:  # only a run can tell these (the sandbox bounds them)
        return
    assert found and all(v.code == "BTI011" and v.path == AGENDA for v in found), found


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (b"ok\n{{ title.__class__ }}\n", 2, "'__class__', an internal name"),
        (b"{% if %}\n", 1, "cannot be read"),
        (b"# x\n\n{{ title }\n", 3, "cannot be read"),
        (b"{{ no_such_field }}\n", 1, "'no_such_field', which bti does not give it"),
        (b"{{ title|nosuch }}\n", 1, "the filter 'nosuch'"),
        (b"{% include title %}\n", 1, "computed name"),
        (b"line\n\xff\xfe\n", 2, "not UTF-8"),
    ],
)
def test_bad_templates_are_named_with_their_line(text: bytes, line: int, words: str) -> None:
    [found] = template_problems(AGENDA, text)
    assert found.code == "BTI011" and found.severity == "error"
    assert found.line == line and words in found.message, found


def test_a_template_names_what_it_sets_itself() -> None:
    text = (
        b"{% macro m(a) %}{{ a }}{{ caller() }}{% endmacro %}{% call m(1) %}x{% endcall %}"
        b"{% if level %}{% set n = 1 %}{% else %}{% set n = 2 %}{% endif %}{{ n }}"
        b"{% for m2 in measures %}{{ loop.index }} {{ m2.id }}{% endfor %}"
    )
    assert template_problems(AGENDA, text) == []
    # A team document is given the team's fields, not a case's.
    assert template_problems("templates/team-agenda.en.md.j2", b"{{ team }}") == []
    [found] = template_problems("templates/team-agenda.en.md.j2", b"{{ guardians }}")
    assert "'guardians'" in found.message


def test_calendar_template_must_be_an_arshjul() -> None:
    assert template_problems("templates/arshjul.yaml", b"title: x\nmeetings: [\n")[0].line == 3
    [found] = template_problems("templates/arshjul.yaml", b"title: x\nmeetings: 3\n")
    assert found.code == "BTI011" and "meetings" in found.message


def test_other_paths_are_not_templates() -> None:
    assert template_problems("cases/2026-AAAAA.yaml", b"{{ x.__class__ }}") == []
    assert template_problems("templates/README.md", b"{{ x.__class__ }}") == []


def test_rule_is_listed(world: tuple[Bti, str]) -> None:
    bti, _ = world
    assert "BTI011" in bti.ok("rules").output
