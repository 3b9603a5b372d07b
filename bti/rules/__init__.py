"""The rule engine: every rule of every family, judged the same way from every entry point."""

from __future__ import annotations

from collections.abc import Callable

from bti.i18n import current
from bti.models import Case
from bti.rules import (  # noqa: F401
    chains,
    consent,
    consentform,
    correction,
    file,
    history,
    holder,
    level,
    permissions,
    privacy,
    sealed,
    settings,
    signature,
    teams,
    templates,
)
from bti.rules.core import REGISTRY, Context, Rule, Violation, findings_to_violations

__all__ = ["REGISTRY", "Context", "Rule", "Violation", "check_change", "check_state", "rules"]

Locator = Callable[[tuple[str | int, ...]], tuple[int, int]]


def rules() -> list[Rule]:
    return sorted(REGISTRY.values(), key=lambda r: r.code)


_STATE = [r for r in rules() if r.kind == "state"]
_CHANGE = [r for r in rules() if r.kind == "change"]


def check_state(case: Case, ctx: Context) -> list[Violation]:
    """Every state rule over one version of a case. A version judged under the same settings on
    the same day is not judged again (a commit's result is the next commit's starting point)."""
    # Messages are said when made: a verdict made in one language is not another's.
    key = (id(case), id(ctx.config), id(ctx.people), ctx.today, ctx.author, ctx.path, current())
    memo = _MEMO.get(key)
    if memo is not None and memo[0] is case:
        return list(memo[1])
    found = _check_state(case, ctx)
    if len(_MEMO) > 4096:
        _MEMO.clear()
    _MEMO[key] = (case, found)
    return list(found)


_MEMO: dict[tuple[object, ...], tuple[Case, list[Violation]]] = {}


def _check_state(case: Case, ctx: Context) -> list[Violation]:
    found: list[Violation] = []
    for rule in _STATE:
        assert rule.check is not None
        found.extend(findings_to_violations(rule, rule.check(case, ctx), ctx.path))
    return found


def check_change(before: Case | None, after: Case | None, ctx: Context) -> list[Violation]:
    """A commit's change to one case: the state rules on the result, then every change rule."""
    found = check_state(after, ctx) if after is not None else []
    for rule in _CHANGE:
        assert rule.check is not None
        found.extend(findings_to_violations(rule, rule.check(before, after, ctx), ctx.path))
    return found
