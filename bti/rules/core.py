"""What a rule is, what it reports, and the registry that lists them all.

A rule is a pure function. A *state* rule judges one version of a case (what `bti validate` sees); a
*change* rule judges the step from one version to the next (what a commit does). Both yield findings,
a place in the file and a message; the engine adds the rule's code and severity.

A finding's message is said in the person's language when it is made (`_("…").format(…)`); a rule's
summary is marked `N_` where the rule is declared and translated where it is shown (`Rule.described`).
The codes are never translated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from bti.i18n import _, pgettext

if TYPE_CHECKING:
    from bti.models import Case, Config, Directory

Severity = Literal["error", "warning"]
Loc = tuple[str | int, ...]
Kind = Literal["file", "state", "change", "commit", "push"]


@dataclass(frozen=True)
class Violation:
    code: str
    severity: Severity
    message: str
    path: str = ""
    line: int = 1
    col: int = 1
    loc: Loc = ()

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def render(self) -> str:
        place = f"{self.path}:{self.line}:{self.col}: " if self.path else ""
        return f"{place}{self.code} {severity_word(self.severity)}: {self.message}"

    def at(self, path: str, line: int, col: int) -> Violation:
        return replace(self, path=path, line=line, col=col)

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }


def severity_word(severity: str) -> str:
    """'error' or 'warning' in the person's language, as a violation line shows it."""
    if severity == "warning":
        return pgettext("severity", "warning")
    return pgettext("severity", "error")


def kind_word(kind: str) -> str:
    """What a rule judges (a file, one version of a case, a change, a commit, a push), in the
    person's language: the `bti rules` table's column."""
    words = {
        "file": pgettext("checked", "file"),
        "state": pgettext("checked", "state"),
        "change": pgettext("checked", "change"),
        "commit": pgettext("checked", "commit"),
        "push": pgettext("checked", "push"),
    }
    return words.get(kind, kind)


@dataclass(frozen=True)
class Finding:
    loc: Loc
    message: str


@dataclass(frozen=True)
class Context:
    """Who makes the change, when, and against which directory and settings."""

    config: Config
    people: Directory
    time: dt.datetime
    author: str | None = None
    path: str = ""

    @property
    def today(self) -> dt.date:
        """The date in Norway at `time`: a commit made at 23:30 UTC in November is tomorrow's."""
        from bti.clock import zone

        return self.time.astimezone(zone()).date()


StateCheck = Callable[["Case", Context], Iterable[Finding]]
ChangeCheck = Callable[["Case | None", "Case | None", Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    summary: str
    kind: Kind
    check: Callable[..., Iterable[Finding]] | None = field(default=None, compare=False)

    @property
    def described(self) -> str:
        """The summary in the person's language (it is marked `N_` where the rule is declared)."""
        return _(self.summary)

    def violation(self, message: str, loc: Loc = (), path: str = "") -> Violation:
        return Violation(self.code, self.severity, message, path=path, loc=loc)


REGISTRY: dict[str, Rule] = {}


def _register(rule: Rule) -> Rule:
    if rule.code in REGISTRY:
        raise RuntimeError(f"rule code {rule.code} registered twice")
    REGISTRY[rule.code] = rule
    return rule


def declare(code: str, severity: Severity, summary: str, kind: Kind) -> Rule:
    """A rule checked outside the engine's case functions (file syntax, commits, pushes)."""
    return _register(Rule(code, severity, summary, kind))


def state_rule(code: str, severity: Severity, summary: str) -> Callable[[StateCheck], Rule]:
    def wrap(func: StateCheck) -> Rule:
        return _register(Rule(code, severity, summary, "state", func))

    return wrap


def change_rule(code: str, severity: Severity, summary: str) -> Callable[[ChangeCheck], Rule]:
    def wrap(func: ChangeCheck) -> Rule:
        return _register(Rule(code, severity, summary, "change", func))

    return wrap


def findings_to_violations(
    rule: Rule, findings: Iterable[Finding], path: str
) -> Iterator[Violation]:
    for finding in findings:
        yield Violation(rule.code, rule.severity, finding.message, path=path, loc=finding.loc)
